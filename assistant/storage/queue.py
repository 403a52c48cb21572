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

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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


def record_inbound(session: Session, *, key: str, user_id: str, kind: str, payload: dict[str, Any]) -> bool:
    """Insert the inbound message; False when ``key`` was already recorded (a duplicate delivery)."""
    now = utcnow()
    values = dict(
        key=key, user_id=user_id, kind=kind, payload=json.dumps(payload, ensure_ascii=False),
        status="pending", attempts=0, next_attempt_at=now, created_at=now,
    )
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = pg_insert(Inbound).values(**values).on_conflict_do_nothing(index_elements=["key"])
    elif dialect == "sqlite":
        stmt = sqlite_insert(Inbound).values(**values).on_conflict_do_nothing(index_elements=["key"])
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise ValueError(dialect)
    # RETURNING, not rowcount: ORM-enabled INSERTs report rowcount -1 on some drivers.
    return session.execute(stmt.returning(Inbound.id)).first() is not None


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


def retry_job(session: Session, *, job_id: int, at: datetime) -> None:
    session.execute(update(Inbound).where(Inbound.id == job_id).values(next_attempt_at=at))


def enqueue_replies(
    session: Session, *, to_user: str, payloads: list[dict[str, Any]], source_key: str | None = None,
    kind: str = "reply",
) -> list[int]:
    now = utcnow()
    rows = [
        Outbox(
            to_user=to_user, kind=kind, payload=json.dumps(p, ensure_ascii=False), status="pending",
            attempts=0, next_attempt_at=now, source_key=source_key, created_at=now,
        )
        for p in payloads
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def claim_outbox(session: Session, *, limit: int = 50, lease_seconds: float = 60.0) -> list[OutMessage]:
    """Claim due rows, oldest first; a reply waits while an earlier reply to the same user is pending.

    ``attempts`` counts send attempts (see mark_*), not claims: a rate-limit deferral is not a failure.
    """
    rows = _claim(session, Outbox, limit=limit, lease_seconds=lease_seconds, ordered=True, count=False)
    return [OutMessage(r.id, r.to_user, r.kind, json.loads(r.payload), r.attempts, r.last_error or "") for r in rows]


def _claim(
    session: Session, model: Any, *, limit: int, lease_seconds: float, ordered: bool = False, count: bool = True
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
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds), attempts=model.attempts + int(count))
        .returning(model)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed, key=lambda r: r.id)


def release_outbox(session: Session, *, ids: list[int]) -> None:
    """Give claimed, still pending rows back (graceful shutdown) so the next start sends them at once."""
    if ids:
        session.execute(
            update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "pending").values(next_attempt_at=utcnow())
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
        .values(status="sent", sent_at=utcnow(), last_error=None, attempts=Outbox.attempts + 1, payload=SENT_PAYLOAD)
    )


def mark_retry(session: Session, *, outbox_id: int, error: str, at: datetime) -> None:
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(last_error=error[:500], next_attempt_at=at, attempts=Outbox.attempts + 1)
    )


def defer(session: Session, *, outbox_id: int, at: datetime) -> None:
    """Not a failure: the row just waits (rate limit)."""
    session.execute(update(Outbox).where(Outbox.id == outbox_id).values(next_attempt_at=at))


def mark_failed(session: Session, *, outbox_id: int, error: str) -> None:
    session.execute(
        update(Outbox)
        .where(Outbox.id == outbox_id)
        .values(status="failed", last_error=error[:500], attempts=Outbox.attempts + 1)
    )


def defer_user(session: Session, *, to_user: str, until: datetime) -> None:
    """Push every pending reply to ``to_user`` to ``until`` (rate limit), keeping their order."""
    session.execute(
        update(Outbox)
        .where(Outbox.to_user == to_user, Outbox.status == "pending", Outbox.kind == "reply")
        .values(next_attempt_at=until)
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
