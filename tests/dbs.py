"""Database fixtures for the storage and WeCom tests: every test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a fresh schema per test (dropped afterwards) so parallel runs don't collide;
they skip with a reason when 127.0.0.1:5432 is unreachable.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from knowledge.store import ChunkStore

PG_ADMIN_URL = os.environ.get("GONGKAI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A SQLAlchemy URL whose search_path is a fresh schema."""
    if not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://") + f"?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gongkai.db'}"
    return str(request.getfixturevalue("pg_url"))


def store_at(url: str) -> ChunkStore:
    """The chunk store in a migrated database at ``url`` (what the app's process object hands the index)."""
    from assistant.storage import open_database
    from knowledge.store import ChunkStore

    return ChunkStore(open_database(url).engine)


def sqlite_store(folder: Path) -> ChunkStore:
    folder.mkdir(parents=True, exist_ok=True)
    return store_at(f"sqlite:///{folder / 'gongkai.db'}")
