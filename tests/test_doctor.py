"""`gongkai doctor` tells what is configured and whether it works, against real loopback services."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from assistant.cli.main import main


class _Models(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status = 200 if self.path.endswith("/models") else 404
        body = json.dumps({"data": [{"id": "qwen"}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def llm_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Models)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in os.environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    return tmp_path / "data"


def _doctor(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["doctor"]) == 0
    return capsys.readouterr().out


def test_defaults_report_versions_data_dir_and_missing_wecom(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _doctor(capsys)
    assert "Python" in out and "gongkai-assistant" in out and "chromadb" in out
    assert str(env.resolve()) in out
    assert "未使用向量模型" in out
    assert "大模型：未配置" in out
    assert "gongkai.db：可以连接" in out
    assert "ASSISTANT_WECOM__CORP_ID" in out and "ASSISTANT_WECOM__ENCODING_AES_KEY" in out


def test_llm_endpoint_that_answers_is_reported_working(
    env: Path, llm_server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", llm_server)
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "qwen")
    assert f"✓ 大模型：{llm_server} 可以访问" in _doctor(capsys)


def test_unreachable_services_are_reported_and_the_password_is_masked(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "qwen")
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", "postgresql+psycopg://gongkai:S3cretPw@127.0.0.1:9/gongkai")
    out = _doctor(capsys)
    assert "✗ 大模型" in out
    assert "✗ postgresql+psycopg://gongkai:***@127.0.0.1:9/gongkai" in out
    assert "S3cretPw" not in out


def test_missing_sentence_transformers_model_is_explained(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "sentence-transformers")
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", str(env / "no-model-here"))
    out = _doctor(capsys)
    assert "✗ 向量模型 sentence-transformers" in out
    assert "不会联网下载" in out


def test_configured_wecom_is_reported_without_secrets(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {"CORP_ID": "ww0123456789", "AGENT_ID": "1000002", "SECRET": "sec-abcdef",
              "TOKEN": "tok-abcdef", "ENCODING_AES_KEY": "k" * 43}
    for name, value in values.items():
        monkeypatch.setenv(f"ASSISTANT_WECOM__{name}", value)
    out = _doctor(capsys)
    assert "✓ 企业微信：已配置" in out
    assert "sec-abcdef" not in out and "tok-abcdef" not in out


def test_sign_in_section_counts_accounts_and_tokens(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _doctor(capsys)
    assert "== 登录 ==" in out and "企业微信登录：不可用" in out and "数据库尚未初始化" in out
    assert main(["token", "create", "--name", "脚本"]) == 0
    out = _doctor(capsys)
    assert "本地账号 / API 令牌：0 个账号，1 个有效令牌" in out
    assert "✗ 网页登录：没有企业微信也没有本地账号" in out  # nobody could sign in to the page yet
    assert "允许的 Host：127.0.0.1、localhost" in out
