"""The two durable queues: inbound turns (whose unique key is also the dedupe) and the reply outbox.

Rows are claimed atomically: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite every
transaction starts with ``BEGIN IMMEDIATE`` (see db.py) and the UPDATE re-checks the row is still due.
A claim is a lease: ``next_attempt_at`` moves ``lease_seconds`` ahead, so a row whose process died is
claimed again after the lease and nothing is lost on restart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from assistant.storage.db import utcnow
from assistant.storage.models import Inbound, Outbox

SENT_PAYLOAD = '{"delivered": true}'


@dataclass(frozen=True)
class Job:
    id: int
    key: str
    user_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class OutMessage:
    id: int
    to_user: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    last_error: str = ""
    maybe_sent: bool = False  # an earlier send may have reached WeCom: resend only with its duplicate check
    queued_at: datetime | None = None


def claim_jobs(session: Session, *, limit: int = 10, lease_seconds: float = 120.0) -> list[Job]:
    rows = _claim(session, Inbound, limit=limit, lease_seconds=lease_seconds)
    return [Job(r.id, r.key, r.user_id, r.kind, json.loads(r.payload or "{}"), r.attempts) for r in rows]


def finish_job(session: Session, *, job_id: int, status: str = "done") -> bool:
    """Mark the turn done and drop its raw payload; False if another worker finished it first."""
    result = session.execute(
        update(Inbound)
        .where(Inbound.id == job_id, Inbound.status == "pending")
        .values(status=status, payload=None, finished_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def enqueue_replies(
    session: Session, *, to_user: str, payloads: list[dict[str, Any]], source_key: str | None = None,
    kind: str = "reply",
) -> list[int]:
    now = utcnow()
    rows = [
        Outbox(
            to_user=to_user, kind=kind, payload=json.dumps(p, ensure_ascii=False), status="pending",
            attempts=0, next_attempt_at=now, source_key=source_key, created_at=now, queued_at=now,
        )
        for p in payloads
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def claim_outbox(session: Session, *, limit: int = 50, lease_seconds: float = 60.0) -> list[OutMessage]:
    """Claim due rows, oldest first; a reply waits while an earlier reply to the same user is pending.

    ``attempts`` counts send attempts (see mark_*), not claims: a rate-limit deferral is not a failure.
    A row still ``in_flight`` was claimed by a sender that never recorded an outcome (killed, or its
    database connection dropped after the send): it may have been delivered, so it becomes ``maybe_sent``.
    """
    values = {"in_flight": True, "maybe_sent": or_(Outbox.maybe_sent, Outbox.in_flight)}
    rows = _claim(session, Outbox, limit=limit, lease_seconds=lease_seconds, ordered=True, count=False, values=values)
    return [OutMessage(r.id, r.to_user, r.kind, json.loads(r.payload), r.attempts, r.last_error or "",
                       bool(r.maybe_sent), r.queued_at or r.created_at) for r in rows]


def _claim(
    session: Session, model: Any, *, limit: int, lease_seconds: float, ordered: bool = False, count: bool = True,
    values: dict[str, Any] | None = None,
) -> list[Any]:
    now = utcnow()
    due = and_(model.status == "pending", model.next_attempt_at <= now)
    stmt = select(model.id).where(due)
    if ordered:
        earlier = aliased(model)
        blocked = (
            select(earlier.id)
            .where(
                earlier.to_user == model.to_user, earlier.status == "pending",
                earlier.id < model.id, earlier.next_attempt_at > now,
            )
            .exists()
        )
        stmt = stmt.where(~and_(model.kind == "reply", blocked))
    stmt = stmt.order_by(model.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(session.scalars(stmt).all())
    if not ids:
        return []
    claimed = session.scalars(
        update(model)
        .where(model.id.in_(ids), due)
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds), attempts=model.attempts + int(count),
                **(values or {}))
        .returning(model)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed, key=lambda r: r.id)


def release_outbox(session: Session, *, ids: list[int]) -> None:
    """Give claimed, still pending rows back (graceful shutdown) so the next start sends them at once."""
    if ids:
        session.execute(
            update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "pending")
            .values(next_attempt_at=utcnow(), in_flight=False)
        )


def release_jobs(session: Session, *, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(Inbound).where(Inbound.id.in_(ids), Inbound.status == "pending").values(next_attempt_at=utcnow())
        )


def mark_sent(session: Session, *, outbox_id: int) -> None:
    """Delivered: the text is dropped (the masked copy lives in the conversation's messages)."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(status="sent", sent_at=utcnow(), last_error=None, attempts=Outbox.attempts + 1, payload=SENT_PAYLOAD,
                in_flight=False)
    )


def mark_retry(session: Session, *, outbox_id: int, error: str, at: datetime, maybe_sent: bool = False) -> None:
    """A failed attempt; ``maybe_sent`` (a timeout, a 5xx) sticks: every later send asks WeCom to dedupe."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(last_error=error[:500], next_attempt_at=at, attempts=Outbox.attempts + 1, in_flight=False,
                maybe_sent=or_(Outbox.maybe_sent, literal(maybe_sent)))
    )


def defer(session: Session, *, outbox_id: int, at: datetime, error: str | None = None) -> None:
    """Not a failure: the row just waits (rate limit, delivery paused by a configuration error)."""
    values: dict[str, Any] = {"next_attempt_at": at, "in_flight": False}
    if error is not None:
        values["last_error"] = error[:500]
    session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))


def mark_failed(session: Session, *, outbox_id: int, error: str, payload: str) -> None:
    """Given up: ``payload`` is the masked text (kept so ``gongkai outbox --retry`` can send it again)."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(status="failed", last_error=error[:500], attempts=Outbox.attempts + 1, in_flight=False, payload=payload)
    )


def requeue_failed(session: Session, *, ids: list[int] | None = None) -> int:
    """``gongkai outbox --retry``: failed rows are pending again, with a fresh delivery budget."""
    now = utcnow()
    stmt = update(Outbox).where(Outbox.status == "failed")
    if ids:
        stmt = stmt.where(Outbox.id.in_(ids))
    result = session.execute(stmt.values(status="pending", next_attempt_at=now, queued_at=now, in_flight=False))
    return int(getattr(result, "rowcount", 0) or 0)


def defer_user(session: Session, *, to_user: str, until: datetime) -> None:
    """Push every pending reply to ``to_user`` to ``until`` (rate limit, retry), keeping their order.

    The sender stops at the first row that waits; the later claimed rows were not sent, so they are
    no longer in flight."""
    session.execute(
        update(Outbox)
        .where(Outbox.to_user == to_user, Outbox.status == "pending", Outbox.kind == "reply")
        .values(next_attempt_at=until, in_flight=False)
    )


def sent_since(session: Session, *, to_user: str, since: datetime) -> list[datetime]:
    """Send times of messages delivered to ``to_user`` since ``since``, oldest first."""
    return [
        t
        for t in session.scalars(
            select(Outbox.sent_at)
            .where(Outbox.to_user == to_user, Outbox.status == "sent", Outbox.sent_at >= since)
            .order_by(Outbox.sent_at)
        ).all()
        if t is not None
    ]


def notice_since(session: Session, *, to_user: str, since: datetime) -> bool:
    stmt = select(Outbox.id).where(Outbox.to_user == to_user, Outbox.kind == "notice", Outbox.created_at >= since)
    return session.scalars(stmt.limit(1)).first() is not None


def list_outbox(session: Session, *, failed_only: bool = False, limit: int = 100) -> list[Outbox]:
    stmt = select(Outbox)
    stmt = stmt.where(Outbox.status == "failed") if failed_only else stmt.where(Outbox.status != "sent")
    return list(session.scalars(stmt.order_by(Outbox.id.desc()).limit(limit)).all())


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return {status: int(n) for status, n in rows}
