"""Decided once: empty or binary input gets the same answer on every channel; "today" is China's date
whatever the server's time zone; the file types and the file cap users are told come from one place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.cli.main import main
from assistant.settings import Settings
from knowledge.errors import BadInput
from knowledge.textinput import binary_error, empty_error
from tools.attribute_input import decode_input

ROOT = Path(__file__).resolve().parents[1]
BINARY = "PK\x03\x04\x00\x00word/document.xml\x00\x01\x02"


def _api_errors(client: TestClient, text: str) -> set[str]:
    answers = [client.post("/api/ask", json={"question": text}), client.post("/api/classify", json={"text": text})]
    assert [r.status_code for r in answers] == [400, 400]
    return {r.json()["error"] for r in answers}


def test_empty_and_binary_input_get_one_message_on_every_channel(
    authed_client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty, binary = empty_error().user_message, binary_error().user_message
    assert empty != binary
    assert _api_errors(authed_client, "  \n ") == {empty}
    assert _api_errors(authed_client, BINARY) == {binary}
    for data, message in ((b"   ", empty), (BINARY.encode(), binary)):
        with pytest.raises(BadInput) as caught:
            decode_input(data, max_bytes=1024, max_chars=1000)
        assert caught.value.user_message == message
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    assert main(["ask", "   "]) == 2
    assert empty in capsys.readouterr().err


def test_today_is_chinas_date_whatever_the_server_time_zone() -> None:
    """UTC-12 and UTC+14 are always on different calendar days; China's date is the same from both."""
    code = "import datetime; from knowledge.clock import today; print(today(), datetime.date.today())"
    seen = []
    for tz in ("Etc/GMT+12", "Etc/GMT-14"):
        env = {**os.environ, "TZ": tz}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                             timeout=60, check=True).stdout.split()
        seen.append(out)
    (china_west, system_west), (china_east, system_east) = seen
    assert system_west != system_east  # the system clock's date depends on the zone...
    assert china_west == china_east  # ...China's does not


def test_chat_file_messages_name_the_accepted_types_and_the_configured_cap(settings: Settings) -> None:
    from connectors.wecom.worker import TurnWorker
    from knowledge.loaders import SUPPORTED_SUFFIXES

    worker = TurnWorker(db=None, engine=None, download=lambda m, c: b"", on_reply=lambda: None,  # type: ignore[arg-type]
                        max_file_bytes=3 * 1024 * 1024)
    from assistant.storage.queue import Job

    answer = worker._answer_file(Job(1, "k", "zhangsan", "file", {"filename": "图.png", "media_id": "m"}, 0), "c")
    assert "3MB" in answer.text and all(s in answer.text for s in SUPPORTED_SUFFIXES)
    unsupported = worker.answer(Job(2, "k2", "zhangsan", "unsupported", {"type": "image"}, 0), "c")
    assert "3MB" in unsupported.text and ".md" in unsupported.text
