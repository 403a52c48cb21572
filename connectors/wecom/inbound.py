"""The ack path's only database work: insert the inbound row (dedupe + turn queue), as cheaply as possible.

- Group commit: callbacks that arrive while a write is in progress share the next transaction, so 20
  simultaneous deliveries cost a few short transactions instead of 20 that queue for SQLite's lock.
- One dedicated writer thread: no thread-pool hop shared with other work, no lock convoy among callbacks.
- The INSERT … ON CONFLICT DO NOTHING RETURNING is built once per dialect (Core, bound parameters), not
  rebuilt and re-coerced by the ORM for every request. The only writer of inbound rows.
- Keys are written in sorted order so two replicas writing overlapping batches cannot deadlock.
- SQLite shared with a ``gongkai worker`` process: SQLite's busy handler backs off up to 100 ms per try
  and a busy worker can win the lock for a second or more; the ack connection instead waits at most a
  few milliseconds inside SQLite and polls again every millisecond.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Engine, bindparam, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from assistant.storage import Database, utcnow
from assistant.storage.db import make_engine
from assistant.storage.models import Inbound
from connectors.wecom.parse import InboundMessage

MAX_BATCH = 200
ACK_BUSY_MS = 2  # SQLite: how long one try waits inside SQLite for the write lock
LOCK_WAIT_SECONDS = 10.0  # then the callback answers 503 and WeCom delivers it again
_COLUMNS = ("key", "user_id", "kind", "payload", "status", "attempts", "next_attempt_at", "created_at")


@functools.cache
def _insert(dialect: str) -> Any:
    table: Any = Inbound.__table__
    build = pg_insert if dialect == "postgresql" else sqlite_insert
    values: dict[str, Any] = {name: bindparam(name) for name in _COLUMNS}
    return build(table).values(values).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)


def _params(msg: InboundMessage, now: object) -> dict[str, Any]:
    return {
        "key": msg.key, "user_id": msg.user_id, "kind": msg.kind, "payload": json.dumps(msg.payload, ensure_ascii=False),
        "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
    }


def _ack_engine(db: Database) -> Engine:
    """SQLite: a separate engine (same pragmas) whose connections give up on a busy lock quickly."""
    if db.dialect != "sqlite":
        return db.engine
    engine = make_engine(db.engine.url.render_as_string(hide_password=False))

    @event.listens_for(engine, "connect")
    def _short_busy_wait(dbapi_conn: Any, _record: Any) -> None:  # runs after make_engine's own hook
        dbapi_conn.execute(f"PRAGMA busy_timeout={ACK_BUSY_MS}")

    return engine


def _locked(exc: OperationalError) -> bool:
    return "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower()


class InboundWriter:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._engine = _ack_engine(db)
        self._pending: list[tuple[InboundMessage, asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wecom-ack")

    async def record(self, msg: InboundMessage) -> bool:
        """True if the message is new (now queued for the worker), False for a duplicate delivery."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((msg, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    results = await loop.run_in_executor(self._pool, self.write, [m for m, _ in batch])
                except Exception as exc:  # every waiter sees the error (-> 503, WeCom delivers again)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), new in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(new)
        finally:
            self._flusher = None

    def write(self, messages: list[InboundMessage]) -> list[bool]:
        """Blocking, one transaction: for each message, True if it was inserted (False: a duplicate)."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                return self._write(messages)
            except OperationalError as exc:
                if not _locked(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.001)

    def _write(self, messages: list[InboundMessage]) -> list[bool]:
        stmt, now = _insert(self.db.dialect), utcnow()
        new = [False] * len(messages)
        with self.db.write_lock or nullcontext(), self._engine.begin() as conn:
            for i in sorted(range(len(messages)), key=lambda i: messages[i].key):
                new[i] = conn.execute(stmt, _params(messages[i], now)).first() is not None
        return new

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._engine is not self.db.engine:
            self._engine.dispose()
