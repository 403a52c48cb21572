"""`gongkai doctor`'s 智能机器人 section: settings per mode, and a real subscribe against the stand-in."""

from __future__ import annotations

import pytest

from tests.test_doctor import _doctor, env  # noqa: F401  (fixture)
from tests.wecom_bot_http import AES_KEY, TOKEN
from tests.wecom_bot_stub import BAD_CREDENTIALS, BOT_ID, BOT_SECRET, WsStub


def _bot_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"ASSISTANT_WECOM_BOT__{name.upper()}", value)


def test_long_connection_subscribe_success_and_refusal(env, monkeypatch, capsys):  # noqa: F811
    with WsStub() as stub:
        _bot_env(monkeypatch, bot_id=BOT_ID, secret=BOT_SECRET, ws_url=stub.url)
        out = _doctor(capsys)
        assert f"✓ 长连接 {stub.url}：订阅成功" in out and stub.subscribes == 1
        assert BOT_SECRET not in out
        _bot_env(monkeypatch, secret="wrong-secret")
        out = _doctor(capsys)
        assert f"✗ 长连接 {stub.url}：订阅失败：errcode {BAD_CREDENTIALS}" in out and "wrong-secret" not in out


def test_unreachable_socket_missing_settings_and_callback_mode(env, monkeypatch, capsys):  # noqa: F811
    _bot_env(monkeypatch, bot_id=BOT_ID, secret=BOT_SECRET, ws_url="ws://127.0.0.1:9")
    assert "✗ 长连接 ws://127.0.0.1:9：无法连接" in _doctor(capsys)
    monkeypatch.delenv("ASSISTANT_WECOM_BOT__SECRET")
    assert "ASSISTANT_WECOM_BOT__SECRET" in _doctor(capsys)
    _bot_env(monkeypatch, mode="callback", token=TOKEN, encoding_aes_key="short")
    assert "✗ EncodingAESKey：格式不对" in _doctor(capsys)
    _bot_env(monkeypatch, encoding_aes_key=AES_KEY)
    out = _doctor(capsys)
    assert "✓ 回调设置" in out and "/wecom/bot/callback" in out and AES_KEY not in out


def test_not_configured_is_only_information(env, capsys):  # noqa: F811
    assert "· 智能机器人：未配置" in _doctor(capsys)


def test_gongkai_bot_refuses_missing_settings_and_callback_mode_in_one_line(env, monkeypatch, capsys):  # noqa: F811
    from assistant.cli.main import main

    assert main(["bot"]) == 2
    err = capsys.readouterr().err
    assert "ASSISTANT_WECOM_BOT__BOT_ID" in err and "Traceback" not in err
    _bot_env(monkeypatch, mode="callback", token=TOKEN, encoding_aes_key=AES_KEY)
    assert main(["bot"]) == 2
    assert "/wecom/bot/callback" in capsys.readouterr().err
