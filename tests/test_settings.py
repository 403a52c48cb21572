"""Settings: env parsing, placeholder refusal, and the README table that must not drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings, settings_rows, settings_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_nested_env_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_WECOM__CORP_ID", "ww123")
    monkeypatch.setenv("ASSISTANT_WECOM__AGENT_ID", "1000002")
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    s = Settings()
    assert s.data_dir == tmp_path
    assert s.wecom.corp_id == "ww123" and s.wecom.agent_id == 1000002
    assert "ASSISTANT_WECOM__SECRET" in s.wecom.missing()
    assert "ASSISTANT_WECOM__CORP_ID" not in s.wecom.missing()
    assert s.resolved_database_url == f"sqlite:///{(tmp_path / 'gongkai.db').resolve()}"


def test_secrets_never_appear_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_WECOM__SECRET", "s3cr3t-value-xyz")
    s = Settings()
    assert "s3cr3t-value-xyz" not in repr(s) and "s3cr3t-value-xyz" not in str(s.model_dump())


@pytest.mark.parametrize("placeholder", ["changeme", "placeholder", "TODO"])
def test_placeholder_secrets_refused_in_prod(monkeypatch: pytest.MonkeyPatch, placeholder: str) -> None:
    monkeypatch.setenv("ASSISTANT_ENV", "prod")
    monkeypatch.setenv("ASSISTANT_WECOM__SECRET", placeholder)
    with pytest.raises(ValidationError, match="占位"):
        Settings()
    monkeypatch.setenv("ASSISTANT_ENV", "dev")
    assert Settings().wecom.secret.get_secret_value() == placeholder


def test_every_setting_has_a_description() -> None:
    missing = [env for env, _default, description in settings_rows() if not description.strip()]
    assert missing == []


def test_readme_settings_table_matches_the_code() -> None:
    readme = README.read_text(encoding="utf-8")
    assert settings_table() in readme, "README 的设置表已过期：运行 python -m assistant.settings_doc 重新生成"
