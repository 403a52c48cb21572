"""The scale-out path end to end: a real Chroma server (``chroma run`` on loopback) and a fresh PostgreSQL
database shared by two ``gongkai serve`` processes. A document uploaded on one is answered by the other
(its vectors in the shared Chroma server), and removing it on one takes it out of the other's answers at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.settings import Settings
from tests.conftest import free_port
from tests.dbs import PG_ADMIN_URL, postgres_reachable
from tests.signin import bearer
from tests.test_documents import LOCAL_RULE, docx_file

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
QUESTION = "茈碧湖镇的政务新媒体多长时间必须更新一次？"
RULE_TEXT = "每周至少更新一次"
# the `chroma` console script is this entry point; calling it through this interpreter finds it in any venv
CHROMA = "import sys; from chromadb.cli.cli import app; sys.argv[0] = 'chroma'; sys.exit(app())"


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards."""
    if not postgres_reachable():
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    import psycopg

    name = f"gk_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _wait(url: str, proc: subprocess.Popen[bytes], what: str, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
            pytest.fail(f"{what} did not start: {err}")
        time.sleep(0.3)


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", CHROMA, "run", "--path", str(tmp_path / "chroma-server"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, "chroma run")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class Replica:
    """One ``gongkai serve`` process with its own data directory, sharing the database and Chroma server."""

    def __init__(self, tmp: Path, name: str, database_url: str, chroma_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        env.update(ASSISTANT_DATA_DIR=str(tmp / name), ASSISTANT_DATABASE_URL=database_url,
                   ASSISTANT_CHROMA_URL=chroma_url, ASSISTANT_EMBEDDER="use", ASSISTANT_POOL__WORKERS="1",
                   ASSISTANT_API_RATE_PER_MINUTE="0", ASSISTANT_MEMBER_RATE_PER_MINUTE="0")
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _wait(self.url + "/health", self.proc, f"gongkai serve ({name})")

    def ask(self, question: str, auth: dict[str, str]) -> dict[str, Any]:
        r = httpx.post(self.url + "/api/ask", json={"question": question}, headers=auth, timeout=300)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def eventually(get: Callable[[], dict[str, Any]], wanted: Callable[[dict[str, Any]], bool],
               seconds: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        out = get()
        if wanted(out) or time.monotonic() > deadline:
            return out
        time.sleep(0.5)


def _vector_count(chroma_url: str) -> int:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_url.rsplit(":", 1)[1]),
                                 settings=ChromaSettings(anonymized_telemetry=False))
    return sum(c.count() for c in client.list_collections())


def test_two_replicas_share_postgres_and_a_chroma_server(tmp_path: Path, pg_database: str, chroma_url: str) -> None:
    settings = Settings(data_dir=tmp_path / "tokens", database_url=pg_database)
    a = Replica(tmp_path, "a", pg_database, chroma_url)
    replicas = [a]
    try:
        member, admin = bearer(settings), bearer(settings, "admin")
        assert "20个工作日" in a.ask("依申请公开要在多少个工作日内答复？", member)["answer"]  # a embeds the corpus
        before = _vector_count(chroma_url)
        assert before > 500, "the built-in corpus's vectors are in the Chroma server"
        b = Replica(tmp_path, "b", pg_database, chroma_url)
        replicas.append(b)
        assert RULE_TEXT not in b.ask(QUESTION, member)["answer"]

        rule = docx_file(tmp_path / "制度.docx", LOCAL_RULE)
        up = httpx.post(a.url + "/api/admin/documents", files={"file": ("制度.docx", rule.read_bytes())},
                        headers=admin, timeout=120)
        assert up.status_code == 200, up.text
        doc_id = up.json()["id"]
        seen = eventually(lambda: b.ask(QUESTION, member), lambda out: RULE_TEXT in out["answer"])
        assert RULE_TEXT in seen["answer"] and seen["sources"][0]["title"] == "茈碧湖镇政务新媒体管理制度"
        assert _vector_count(chroma_url) > before, "the new document's vectors reached the shared Chroma server"
        listed = httpx.get(b.url + "/api/admin/documents", headers=admin, timeout=30).json()
        assert doc_id in {d["id"] for d in listed}

        assert httpx.post(f"{a.url}/api/admin/documents/{doc_id}/remove", headers=admin, timeout=30).status_code == 200
        gone = b.ask(QUESTION, member)  # at once: the very next question on the other replica
        assert RULE_TEXT not in gone["answer"]
        assert all(s["title"] != "茈碧湖镇政务新媒体管理制度" for s in gone["sources"])
    finally:
        for replica in replicas:
            replica.stop()
