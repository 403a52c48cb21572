"""Shared fixtures: settings that keep every file in the test's own tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Embedded defaults under tmp_path; BM25-only so tests that don't need vectors stay fast."""
    for name in list(__import__("os").environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)
    return Settings(data_dir=tmp_path / "data", embedder="none")
