"""Scale-out: ``gongkai serve --no-worker`` acknowledges callbacks, a separate ``gongkai worker`` answers.

Two real processes share one database (SQLite and PostgreSQL); WeCom's API is the loopback stub and
callbacks are encrypted exactly as WeCom sends them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.wecom_stub import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, CallbackSender, WeComStub, text_xml

THANKS = "感谢"


@pytest.fixture
def stub() -> Iterator[WeComStub]:
    with WeComStub() as s:
        yield s


def _env(tmp_path: Path, db: str, stub: WeComStub) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_EMBEDDER="none", ASSISTANT_DATABASE_URL=db,
        ASSISTANT_WECOM__CORP_ID=CORP_ID, ASSISTANT_WECOM__AGENT_ID=str(AGENT_ID), ASSISTANT_WECOM__SECRET=SECRET,
        ASSISTANT_WECOM__TOKEN=TOKEN, ASSISTANT_WECOM__ENCODING_AES_KEY=AES_KEY,
        ASSISTANT_WECOM__API_BASE_URL=stub.base_url, ASSISTANT_WECOM__RETRY_BASE_SECONDS="0.1",
    )
    return env


def _gongkai(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as err:
        return subprocess.Popen([sys.executable, "-m", "assistant.cli.main", *args], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)


def _start_serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = _gongkai(env, log, "serve", "--no-worker", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=60)


def _post(url: str, wecom: CallbackSender, user: str, content: str, msg_id: str | None = None) -> int:
    params, body = wecom.encrypt(text_xml(user, content, msg_id or wecom.next_id()))
    return httpx.post(url + "/wecom/callback", params=params, content=body, timeout=10).status_code


def _wait_all(stub: WeComStub, users: list[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(stub.messages(u) for u in users):
        time.sleep(0.1)
    time.sleep(1.5)  # a second reply (a duplicate) would show up within this time


def test_serve_no_worker_acks_and_worker_answers_each_message_once(tmp_path, db_url, stub):  # noqa: F811
    env, log, wecom = _env(tmp_path, db_url, stub), tmp_path / "processes.log", CallbackSender()
    serve, url = _start_serve(env, log)
    worker = None
    try:
        dup_id = wecom.next_id()
        with ThreadPoolExecutor(3) as pool:  # WeCom's retries of one MsgId, arriving at the same time
            assert list(pool.map(lambda _: _post(url, wecom, "dup", "👍", dup_id), range(3))) == [200] * 3
        assert _post(url, wecom, "amy", "/反馈 期限计算很好用") == 200
        assert _post(url, wecom, "ben", "👎") == 200
        time.sleep(1.5)
        assert stub.messages() == []  # acknowledged and queued, but this process does not answer

        worker = _gongkai(env, log, "worker")
        _wait_all(stub, ["dup", "amy", "ben"])
        for user in ("dup", "amy", "ben"):
            [reply] = stub.messages(user)
            assert THANKS in reply["content"]

        assert _post(url, wecom, "dup", "👍", dup_id) == 200  # a late retry after the answer
        assert _post(url, wecom, "cat", "👍") == 200  # the running worker picks up new messages
        _wait_all(stub, ["cat"])
        assert len(stub.messages("dup")) == 1 and len(stub.messages("cat")) == 1
        assert _stop(worker) == 0
    finally:
        if worker is not None:
            _stop(worker)
        _stop(serve)


def test_worker_stopped_mid_way_and_restarted_loses_nothing(tmp_path, db_url, stub):  # noqa: F811
    env, log, wecom = _env(tmp_path, db_url, stub), tmp_path / "processes.log", CallbackSender()
    serve, url = _start_serve(env, log)
    worker = _gongkai(env, log, "worker")
    users = [f"u{i:02d}" for i in range(12)]
    try:
        stub.fail_next("500", "drop", "45009")  # some replies are still waiting for a retry at SIGTERM
        for user in users:
            assert _post(url, wecom, user, "👍") == 200
        deadline = time.monotonic() + 90
        while not stub.messages() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _stop(worker) == 0  # SIGTERM: finishes turns in progress, hands other claims back
        worker = _gongkai(env, log, "worker")
        _wait_all(stub, users)
        assert {u: len(stub.messages(u)) for u in users} == dict.fromkeys(users, 1)
    finally:
        _stop(worker)
        _stop(serve)


def test_worker_refuses_to_start_without_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_EMBEDDER="none")
    missing = subprocess.run([sys.executable, "-m", "assistant.cli.main", "worker"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [missing.stderr.strip()] and "ASSISTANT_WECOM__TOKEN" in missing.stderr
    with WeComStub() as s:
        env = _env(tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none", s)
        bad_db = subprocess.run([sys.executable, "-m", "assistant.cli.main", "worker"], env=env,
                                capture_output=True, text=True, timeout=120)
    assert bad_db.returncode == 2 and "数据库" in bad_db.stderr and "Traceback" not in bad_db.stderr
