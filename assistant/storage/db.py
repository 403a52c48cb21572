"""Engine creation (SQLite in WAL mode by default, PostgreSQL by URL) and upgrade-on-start."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import ConfigError

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
BUSY_TIMEOUT_MS = 30_000


def utcnow() -> datetime:
    """Naive UTC: both SQLite and PostgreSQL columns store naive timestamps in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and write-first (IMMEDIATE) transactions."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _tune_sqlite(engine)
            return engine
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError("数据库地址无效，请检查 ASSISTANT_DATABASE_URL。", detail=type(exc).__name__) from exc


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook issue BEGIN itself (pysqlite's own BEGIN is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON", "synchronous=NORMAL"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: a deferred transaction that reads and then writes can fail
        # with SQLITE_BUSY at once instead of waiting for the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config() -> Config:
    cfg = Config(str(_HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Run ``alembic upgrade head`` on ``engine``; idempotent, safe when two processes start together."""
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(827364)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise ConfigError("无法连接或初始化数据库，请检查 ASSISTANT_DATABASE_URL。", detail=type(exc).__name__) from exc


@dataclass
class Database:
    """The engine plus a session factory; ``session()`` commits on success and rolls back on error."""

    engine: Engine
    factory: sessionmaker[Session]
    # SQLite allows one writer at a time and its busy handler polls with sleeps of up to 100 ms;
    # threads of one process queue on this lock instead and get the database as soon as it is free.
    write_lock: threading.RLock | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.write_lock or nullcontext(), self.factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Create the engine for ``url`` and bring the schema to the newest migration."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    lock = threading.RLock() if engine.dialect.name == "sqlite" else None
    return Database(engine=engine, factory=sessionmaker(engine, expire_on_commit=False), write_lock=lock)
