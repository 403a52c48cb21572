"""Engine creation (SQLite in WAL mode by default, PostgreSQL by URL) and upgrade-on-start."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

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


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config(str(_HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    return cfg


def script_head() -> str | None:
    """The newest migration's revision, read from the migration files (None unless there is exactly one head)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (_HERE / "migrations" / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found[1])
        down = _DOWN_REVISION.search(source)
        parents.update(re.findall(r"[\"']([^\"']+)[\"']", down[1]) if down else [])
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """The database is already at the newest migration (then alembic, slow to import, is not needed)."""
    head = script_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False
    return [row[0] for row in rows] == [head]


def upgrade(engine: Engine) -> None:
    """Run ``alembic upgrade head`` on ``engine``; idempotent, safe when two processes start together.

    A database already at the newest migration is left alone without importing alembic (cold start)."""
    if _at_head(engine):
        return
    from alembic import command

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
