"""The bot's turns in the database (``bot_turns``): the msgid unique key is the dedupe.

A turn is leased by the process that recorded it; a process that dies leaves it to the lease's end,
then any live process takes it over (``claim_stale``) and answers it by a proactive message. Raw text
lives in ``payload``/``reply`` only until the turn is done; the masked exchange goes to ``messages``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assistant.storage import Database, utcnow
from assistant.storage.models import BotTurn
from assistant.storage.records import mask
from connectors.wecom_bot.protocol import BotMessage

LEASE_SECONDS = 60.0


@dataclass(frozen=True)
class StoredTurn:
    id: int
    msg: BotMessage
    stream_id: str
    status: str
    reply: str | None
    created_at: datetime


def _payload(msg: BotMessage) -> str:
    return json.dumps({"text": msg.text, "mentioned": msg.mentioned, "file": msg.file, "msgtype": msg.msgtype},
                      ensure_ascii=False)


def _message(row: BotTurn) -> BotMessage:
    data: dict[str, Any] = json.loads(row.payload or "{}")
    return BotMessage(
        msgid=row.msgid, user_id=row.user_id, chat_type=row.chat_type, chat_id=row.chat_id,
        msgtype=str(data.get("msgtype", row.kind)), text=str(data.get("text", "")),
        mentioned=bool(data.get("mentioned")), file=dict(data.get("file") or {}),
        response_url=row.response_url or "",
    )


def _stored(row: BotTurn) -> StoredTurn:
    return StoredTurn(row.id, _message(row), row.stream_id, row.status, row.reply, row.created_at)


class TurnStore:
    """Blocking; call from a worker thread."""

    def __init__(self, db: Database, *, lease_seconds: float = LEASE_SECONDS) -> None:
        self.db, self.lease = db, timedelta(seconds=lease_seconds)

    def record(self, msg: BotMessage, *, kind: str, stream_id: str = "", status: str = "pending") -> int | None:
        """Insert the turn; None when its msgid was already recorded (a redelivery, or another instance)."""
        now = utcnow()
        values = dict(
            msgid=msg.msgid, user_id=msg.user_id, chat_id=msg.chat_id, chat_type=msg.chat_type, kind=kind,
            stream_id=stream_id, payload=_payload(msg) if status == "pending" else None,
            response_url=msg.response_url or None, status=status, lease_until=now + self.lease, created_at=now,
            finished_at=None if status == "pending" else now,
        )
        with self.db.session() as s:
            build: Any = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
            stmt = build(BotTurn).values(**values).on_conflict_do_nothing(index_elements=["msgid"])
            row = s.execute(stmt.returning(BotTurn.id)).first()
        return None if row is None else int(row[0])

    def by_msgid(self, msgid: str) -> StoredTurn | None:
        with self.db.session() as s:
            row = s.scalars(select(BotTurn).where(BotTurn.msgid == msgid)).first()
            return None if row is None else _stored(row)

    def by_stream(self, stream_id: str) -> StoredTurn | None:
        with self.db.session() as s:
            row = s.scalars(select(BotTurn).where(BotTurn.stream_id == stream_id)).first()
            return None if row is None else _stored(row)

    def answered(self, session: Session, turn_id: int, reply: str) -> bool:
        """Callback mode: the answer, kept (in clear, like the outbox) until a refresh or response_url delivers it."""
        result = session.execute(update(BotTurn).where(BotTurn.id == turn_id, BotTurn.status == "pending")
                                 .values(status="answered", reply=reply, payload=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def delivered(self, turn_id: int, reply: str) -> bool:
        """answered -> done, once: only the caller that gets True sends the answer (refresh or response_url).

        The reply stays, masked, to answer a retry of the same message without blanking what the user saw.
        """
        with self.db.session() as s:
            result = s.execute(update(BotTurn).where(BotTurn.id == turn_id, BotTurn.status == "answered")
                               .values(status="done", reply=mask(reply), finished_at=utcnow()))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def renew(self, ids: list[int]) -> None:
        if ids:
            with self.db.session() as s:
                s.execute(update(BotTurn).where(BotTurn.id.in_(ids), BotTurn.status == "pending")
                          .values(lease_until=utcnow() + self.lease))

    def release(self, ids: list[int]) -> None:
        """Hand unfinished turns to whichever process holds the connection next (stop, takeover)."""
        if ids:
            with self.db.session() as s:
                s.execute(update(BotTurn).where(BotTurn.id.in_(ids), BotTurn.status == "pending")
                          .values(lease_until=utcnow()))

    def claim(self, turn_id: int) -> bool:
        """Take one turn whose lease ran out (callback mode: a refresh for a dead process's stream)."""
        now = utcnow()
        with self.db.session() as s:
            result = s.execute(update(BotTurn).where(BotTurn.id == turn_id, BotTurn.status == "pending",
                                                     BotTurn.lease_until <= now)
                               .values(lease_until=now + self.lease))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def claim_stale(self, limit: int = 20) -> list[StoredTurn]:
        """Pending turns whose lease ran out, now leased to this process."""
        now = utcnow()
        with self.db.session() as s:
            stmt = select(BotTurn.id).where(BotTurn.status == "pending", BotTurn.lease_until <= now)
            stmt = stmt.order_by(BotTurn.id).limit(limit)
            if s.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            ids = list(s.scalars(stmt).all())
            if not ids:
                return []
            rows = s.scalars(update(BotTurn).where(BotTurn.id.in_(ids), BotTurn.status == "pending",
                                                   BotTurn.lease_until <= now)
                             .values(lease_until=now + self.lease).returning(BotTurn)
                             .execution_options(synchronize_session=False)).all()
            return sorted((_stored(r) for r in rows), key=lambda t: t.id)

    def finish(self, session: Session, turn_id: int, *, status: str = "done") -> bool:
        """Mark done and drop the raw text, in the caller's transaction; False if already finished."""
        result = session.execute(
            update(BotTurn).where(BotTurn.id == turn_id, BotTurn.status == "pending")
            .values(status=status, payload=None, reply=None, finished_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
