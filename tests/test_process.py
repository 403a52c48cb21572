"""The process object: one place builds the app and the worker, and decides how /反馈 is kept.

/反馈 is stored (masked) whether it comes from the web page (/api/ask) or ``gongkai chat``, as it
already was from WeCom.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.cli.main import cli
from assistant.process import Gongkai
from assistant.storage import open_database
from assistant.storage.records import list_feedback
from tests.signin import sign_in

PHONE = "13987654321"


def _feedback(url: str) -> list[tuple[str, str]]:
    db = open_database(url)
    try:
        with db.session() as s:
            return [(f.user_id, f.text) for f in list_feedback(s)]
    finally:
        db.dispose()


def test_feedback_on_the_web_page_is_stored_masked(settings) -> None:
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        assert isinstance(client.app.state.process, Gongkai)
        response = client.post("/api/ask", json={"question": f"/反馈 第二条答复不对，请回电{PHONE}"})
        assert response.status_code == 200 and response.json()["tool"] == "feedback"
        assert client.post("/api/ask", json={"question": "依申请公开多少个工作日内答复？"}).status_code == 200
    stored = _feedback(settings.resolved_database_url)
    assert len(stored) == 1
    user, text = stored[0]
    assert user.startswith("web:") and "第二条答复不对" in text and PHONE not in text


def test_feedback_in_gongkai_chat_is_stored_too(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    result = CliRunner().invoke(cli, ["chat"], input="/反馈 答得很好\n退出\n")
    assert result.exit_code == 0, result.output
    assert _feedback(settings.resolved_database_url) == [("cli", "答得很好")]


def test_the_worker_refuses_to_start_without_wecom(settings) -> None:
    from knowledge.errors import ConfigError

    with pytest.raises(ConfigError, match="企业微信未配置"):
        Gongkai(settings).run_worker()
