"""``gongkai serve``, ``gongkai purge --older-than`` and ``gongkai outbox``, run as a user runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from assistant.cli.main import main
from assistant.cli.serve import parse_age
from assistant.conversation import save_exchange
from assistant.storage import open_database, utcnow
from assistant.storage import queue as q
from assistant.storage.models import MessageRow
from knowledge.errors import BadInput


@pytest.mark.parametrize(("value", "days"), [("180d", 180), ("26w", 182), ("30天", 30), (" 7D ", 7), ("2周", 14)])
def test_parse_age(value: str, days: int) -> None:
    assert parse_age(value) == timedelta(days=days)


@pytest.mark.parametrize("value", ["", "180", "abc", "0d", "-5d", "3x", "1.5d"])
def test_bad_age_is_exit_2_with_a_chinese_message(value: str, settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    with pytest.raises(BadInput):
        parse_age(value)
    assert main(["purge", "--older-than", value]) == 2
    assert "时长格式不正确" in capsys.readouterr().err


def test_purge_deletes_old_messages_only(settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    with db.session() as s:
        save_exchange(s, conversation_id="wecom:a", user_id="a", user_text="旧", reply_text="旧答")
    with db.session() as s:
        for row in s.query(MessageRow):
            row.created_at = utcnow() - timedelta(days=365)
        save_exchange(s, conversation_id="wecom:b", user_id="b", user_text="新", reply_text="新答")
    assert main(["purge", "--older-than", "180d"]) == 0
    assert "消息 2 条" in capsys.readouterr().out
    with db.session() as s:
        assert s.query(MessageRow).count() == 2
    db.dispose()


def test_outbox_lists_failed_replies(settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    with db.session() as s:
        failed, _pending = q.enqueue_replies(s, to_user="zhangsan", payloads=[{"content": "a"}, {"content": "b"}])
    with db.session() as s:
        lease = q.claim_outbox(s, limit=1)[0].lease
        q.mark_failed(s, outbox_id=failed, lease=lease, error="errcode 81013", payload='{"content": "a"}')
    db.dispose()
    assert main(["outbox", "--failed"]) == 0
    out = capsys.readouterr().out
    assert "失败 1 条" in out and "zhangsan" in out and "errcode 81013" in out
    assert main(["outbox"]) == 0
    assert "待发送 1 条" in capsys.readouterr().out


@pytest.mark.parametrize("extra", [[], ["--no-worker"]])
def test_gongkai_serve_starts_without_wecom_settings(tmp_path: Path, extra: list[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_EMBEDDER="none")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli.main", "serve", "--port", str(port), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(base + "/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()  # type: ignore[union-attr]
                time.sleep(0.2)
        assert health.status_code == 200
        assert httpx.post(base + "/wecom/callback", content=b"<xml/>").status_code == 503
        assert (tmp_path / "data" / "gongkai.db").exists()  # database created and migrated on start
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_with_an_unreachable_database_exits_2(settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert main(["serve", "--port", "8999"]) == 2
    assert "数据库" in capsys.readouterr().err
