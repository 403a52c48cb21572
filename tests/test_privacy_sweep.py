"""The privacy sweep: personal data sent through every channel at DEBUG, then every log line and every
table cell is searched for it (SQLite and PostgreSQL).

Channels: WeCom text messages (a question, /分类, /反馈), a reply WeCom refuses (81013, so it fails),
query strings (access log), /api/ask, /api/classify (JSON and a .docx upload), /api/redact, and a
turn that no worker ever picks up. The values are written plain, with spaces and in full-width
digits. Allowed: the raw text of a job still pending; after ``gongkai purge`` not even that. The
logs must also never show the WeCom secret or an access token.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import httpx
import pytest
from docx import Document
from sqlalchemy import inspect, select, text, update

from assistant.storage import open_database
from assistant.storage.models import Inbound
from tests.conftest import free_port
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.signin import bearer
from tests.wecom_stub import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, CallbackSender, WeComStub, text_xml

pytestmark = pytest.mark.slow

ID = "532930199001011232"
PHONE = "13987654321"
SPACED_ID, SPACED_PHONE = "5329 3019 9001 0112 32", "139 8765 4321"
WIDE_ID = ID.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
SAY = [f"张三的身份证号{ID}，电话{PHONE}", f"身份证 {SPACED_ID}，手机 {SPACED_PHONE}", f"身份证号{WIDE_ID}"]


def _digits(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def hits(blob: str) -> int:
    """Occurrences of the ID or the phone, however they were spaced or written."""
    flat = _digits(blob)
    return flat.count(ID) + flat.count(PHONE)


def _env(tmp: Path, stub: WeComStub, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(tmp / "data"), ASSISTANT_EMBEDDER="none", ASSISTANT_LOG_LEVEL="DEBUG",
        ASSISTANT_DATABASE_URL=url, ASSISTANT_WECOM__CORP_ID=CORP_ID, ASSISTANT_WECOM__AGENT_ID=str(AGENT_ID),
        ASSISTANT_WECOM__SECRET=SECRET, ASSISTANT_WECOM__TOKEN=TOKEN, ASSISTANT_WECOM__ENCODING_AES_KEY=AES_KEY,
        ASSISTANT_WECOM__API_BASE_URL=stub.base_url, ASSISTANT_WECOM__RETRY_BASE_SECONDS="0.1",
        ASSISTANT_POOL__WORKERS="1", ASSISTANT_API_RATE_PER_MINUTE="0",
    )
    return env


class Serve:
    def __init__(self, env: dict[str, str], log: Path, *extra: str) -> None:
        self.port, self.log = free_port(), log.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "serve", "--port", str(self.port),
                                      *extra], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("serve did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.log.close()


def _callback(url: str, wecom: CallbackSender, user: str, content: str) -> None:
    params, body = wecom.encrypt(text_xml(user, content, wecom.next_id()))
    assert httpx.post(url + "/wecom/callback", params=params, content=body, timeout=30).status_code == 200


def _docx(lines: list[str]) -> bytes:
    doc, out = Document(), io.BytesIO()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(out)
    return out.getvalue()


def _every_channel(url: str, stub: WeComStub, wecom: CallbackSender, auth: dict[str, str]) -> None:
    stub.state.unknown_users.add("gone")
    api = httpx.Client(base_url=url, headers=auth, timeout=60)
    for i, said in enumerate(SAY):
        _callback(url, wecom, "alice", f"请问{said}的申请哪天到期？")
        _callback(url, wecom, "alice", f"/分类 关于补助对象的公示：{said}")
        _callback(url, wecom, "alice", f"/反馈 我的信息是{said}")
        _callback(url, wecom, "gone", f"/分类 公示{i}：{said}")  # its reply fails for good (81013)
        assert api.post("/api/ask", json={"question": f"{said}的申请什么时候答复"}).status_code == 200
        assert api.post("/api/classify", json={"text": f"公示：{said}"}).status_code == 200
        assert api.get("/api/duties", params={"unit": said}).status_code in (400, 404)
        assert api.get("/api/deadline", params={"received": said, "phone": PHONE}).status_code == 400
    upload = _docx(["关于补助对象的公示", *SAY])
    assert api.post("/api/classify", files={"file": ("公示.docx", upload)}).status_code == 200
    assert api.post("/api/redact", files={"file": ("公示.docx", upload)}).status_code == 200
    api.close()
    stub.wait_for("alice", 3 * len(SAY), timeout=120)


def _table_hits(url: str) -> tuple[int, int]:
    """(hits outside pending jobs, hits inside them) over every text cell of every table."""
    db = open_database(url, migrate=False)
    outside = inside = 0
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            for row in rows:
                found = hits(" ".join(str(v) for v in row.values()))
                pending = table in ("inbound", "outbox") and row.get("status") == "pending"
                inside, outside = (inside + found, outside) if pending else (inside, outside + found)
    db.dispose()
    return outside, inside


def _settled(url: str, timeout: float = 120) -> None:
    """Wait until nothing is pending but the turn no worker will take (and replies to 'gone' failed)."""
    from assistant.storage.models import Outbox

    db = open_database(url, migrate=False)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with db.session() as s:
                busy = s.scalars(select(Outbox.id).where(Outbox.status == "pending")).first()
                busy = busy or s.scalars(select(Inbound.id).where(Inbound.status == "pending")).first()
            if not busy:
                return
            time.sleep(0.3)
    finally:
        db.dispose()
    raise AssertionError("the outbox did not settle")


def test_no_personal_data_in_any_log_or_table_outside_pending_jobs(settings, db_url, tmp_path):  # noqa: F811
    log = tmp_path / "serve.log"
    auth = bearer(settings.model_copy(update={"database_url": db_url}))
    with WeComStub() as stub:
        env = _env(tmp_path, stub, db_url)
        wecom = CallbackSender()
        serve = Serve(env, log)
        try:
            _every_channel(serve.url, stub, wecom, auth)
            _settled(db_url)
        finally:
            serve.stop()
        acks_only = Serve(env, log, "--no-worker")  # a turn nobody answers keeps its raw text
        try:
            _callback(acks_only.url, wecom, "bob", f"没人处理的消息：{SAY[0]}")
        finally:
            acks_only.stop()
    logged = log.read_text(encoding="utf-8", errors="replace")
    assert "DEBUG" in logged and "GET /api/duties" in logged  # DEBUG really was on; the access log ran
    assert hits(logged) == 0, [line for line in logged.splitlines() if hits(line)][:5]
    assert SECRET not in logged and not re.search(r"access_token=(?!\*\*\*)", logged)
    outside, inside = _table_hits(db_url)
    assert outside == 0
    assert inside > 0  # the pending turn: the only place the raw text may be
    db = open_database(db_url, migrate=False)
    with db.session() as s:  # make everything older than the retention period
        s.execute(update(Inbound).values(created_at=Inbound.created_at - __import__("datetime").timedelta(days=400)))
    db.dispose()
    purge = subprocess.run([sys.executable, "-m", "assistant.cli.main", "purge", "--older-than", "365d"],
                           env=env, capture_output=True, text=True, timeout=120)
    assert purge.returncode == 0, purge.stderr
    assert _table_hits(db_url) == (0, 0)
