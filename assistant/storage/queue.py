"""The two durable queues: inbound turns (whose unique key is also the dedupe) and the reply outbox.

Rows are claimed atomically: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite every
transaction starts with ``BEGIN IMMEDIATE`` (see db.py) and the UPDATE re-checks the row is still due.
A claim is a lease: ``next_attempt_at`` moves ``lease_seconds`` ahead, so a row whose process died is
claimed again after the lease and nothing is lost on restart.

An outbox claim also writes a fresh fencing token (``lease``). The holder's writes name it and apply
only while the row still carries it: a sender that stalled past its lease, and lost the row to another
sender, finds its token gone and stops (see ``begin_send``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
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
    lease: str = ""  # this claim's fencing token


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
    The rows carry a new fencing token; ``maybe_sent`` was stamped by ``begin_send`` before any earlier
    send, so a row whose sender died or stalled after that point is only ever resent deduplicated.
    """
    lease = secrets.token_hex(16)
    values = {"in_flight": True, "lease": lease}
    rows = _claim(session, Outbox, limit=limit, lease_seconds=lease_seconds, ordered=True, count=False, values=values)
    return [OutMessage(r.id, r.to_user, r.kind, json.loads(r.payload), r.attempts, r.last_error or "",
                       bool(r.maybe_sent), r.queued_at or r.created_at, lease) for r in rows]


def begin_send(session: Session, *, outbox_id: int, lease: str, lease_seconds: float) -> bool:
    """Before each send: True if the row is still this claim's (then its lease is renewed from now and it
    is stamped ``maybe_sent``, so whoever sends it after this point asks WeCom to deduplicate).

    False once another sender has claimed it (this one stalled past its lease): do not send it."""
    result = session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id, Outbox.lease == lease, Outbox.status == "pending")
        .values(maybe_sent=True, next_attempt_at=utcnow() + timedelta(seconds=lease_seconds))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


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


def release_outbox(session: Session, *, held: list[tuple[int, str]]) -> None:
    """Give claimed (id, lease) rows back (graceful shutdown) so the next start sends them at once;
    rows another sender has claimed since are left alone."""
    for outbox_id, lease in held:
        session.execute(
            update(Outbox).where(Outbox.id == outbox_id, Outbox.lease == lease, Outbox.status == "pending")
            .values(next_attempt_at=utcnow(), in_flight=False, lease=None)
        )


def release_jobs(session: Session, *, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(Inbound).where(Inbound.id.in_(ids), Inbound.status == "pending").values(next_attempt_at=utcnow())
        )


def mark_sent(session: Session, *, outbox_id: int) -> None:
    """Delivered: the text is dropped (the masked copy lives in the conversation's messages).

    Not fenced: a delivery is a fact whoever holds the row now (its resend, if any, is deduplicated)."""
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(status="sent", sent_at=utcnow(), last_error=None, attempts=Outbox.attempts + 1, payload=SENT_PAYLOAD,
                in_flight=False, lease=None)
    )


def _held(outbox_id: int, lease: str) -> Any:
    return and_(Outbox.id == outbox_id, Outbox.lease == lease, Outbox.status == "pending")


def mark_retry(
    session: Session, *, outbox_id: int, lease: str, error: str, at: datetime, maybe_sent: bool,
) -> bool:
    """A failed attempt, if this claim still holds the row. ``maybe_sent`` replaces the stamp of
    ``begin_send``: True when the send or an earlier one may have arrived (a timeout, a 5xx), False
    when WeCom answered with an error code and nothing before it could have arrived."""
    result = session.execute(
        update(Outbox)
        .where(_held(outbox_id, lease))
        .values(last_error=error[:500], next_attempt_at=at, attempts=Outbox.attempts + 1, in_flight=False,
                maybe_sent=maybe_sent, lease=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def defer(session: Session, *, outbox_id: int, lease: str, at: datetime, error: str | None = None) -> bool:
    """Not a failure: the row just waits (rate limit, delivery paused by a configuration error)."""
    values: dict[str, Any] = {"next_attempt_at": at, "in_flight": False, "lease": None}
    if error is not None:
        values["last_error"] = error[:500]
    result = session.execute(update(Outbox).where(_held(outbox_id, lease)).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_failed(session: Session, *, outbox_id: int, lease: str, error: str, payload: str) -> bool:
    """Given up: ``payload`` is the masked text (kept so ``gongkai outbox --retry`` can send it again)."""
    result = session.execute(
        update(Outbox)
        .where(_held(outbox_id, lease))
        .values(status="failed", last_error=error[:500], attempts=Outbox.attempts + 1, in_flight=False, payload=payload,
                lease=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def requeue_failed(session: Session, *, ids: list[int] | None = None) -> int:
    """``gongkai outbox --retry``: failed rows are pending again, with a fresh delivery budget."""
    now = utcnow()
    stmt = update(Outbox).where(Outbox.status == "failed")
    if ids:
        stmt = stmt.where(Outbox.id.in_(ids))
    result = session.execute(stmt.values(status="pending", next_attempt_at=now, queued_at=now, in_flight=False,
                                         lease=None))
    return int(getattr(result, "rowcount", 0) or 0)


def defer_user(session: Session, *, to_user: str, until: datetime) -> None:
    """Push every pending reply to ``to_user`` to ``until`` (rate limit, retry), keeping their order.

    The sender stops at the first row that waits (and calls this only while it still held that row);
    the later claimed rows were not sent, so they are no longer in flight or held."""
    session.execute(
        update(Outbox)
        .where(Outbox.to_user == to_user, Outbox.status == "pending", Outbox.kind == "reply")
        .values(next_attempt_at=until, in_flight=False, lease=None)
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
