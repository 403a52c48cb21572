"""Shared fixtures: settings that keep every file in the test's own tmp_path."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Embedded defaults under tmp_path; BM25-only so tests that don't need vectors stay fast."""
    for name in list(__import__("os").environ):
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name)
    # TestClient's requests say Host: testserver (loopback is allowed in dev anyway)
    # heavy-pool workers start on first use: most tests never send heavy work
    return Settings(data_dir=tmp_path / "data", embedder="none", pool={"warm": False},
                    auth={"allowed_hosts": "testserver"})


@pytest.fixture
def authed_client(settings: Settings) -> Iterator[TestClient]:
    """The app with a member's API token on every request (auth is always on: sign in, don't switch it off)."""
    from assistant.app import create_app
    from tests.signin import sign_in

    with TestClient(create_app(settings)) as client:
        yield sign_in(client, "member")


@pytest.fixture
def admin_client(settings: Settings) -> Iterator[TestClient]:
    from assistant.app import create_app
    from tests.signin import sign_in

    with TestClient(create_app(settings)) as client:
        yield sign_in(client, "admin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a loopback port, stopped after the test."""
    import uvicorn

    from assistant.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
