"""A running process keeps answering while the index is rebuilt after another process changed the store,
then swaps the new index in; a removed document is never quoted, neither before the swap nor after."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.factory import build_retriever
from assistant.settings import Settings
from knowledge.ingest import ingest_bytes
from knowledge.live_index import IndexSession
from tests.dbs import store_at

ARCHIVE = "县档案馆政府信息查阅点规定\n第五条 县档案馆设立政府信息查阅点，每周三下午开放。"
ARCHIVE_QUESTION = "县档案馆的政府信息查阅点每周几开放"
NOTICE_BOARD = "镇政务公开栏管理办法\n第三条 镇政务公开栏每月五日前更新一次。"
NOTICE_QUESTION = "镇政务公开栏多久更新一次"
PLAN_QUESTION = "政务新媒体多长时间必须更新一次"
SLOW_REBUILD_S = 3.0


@pytest.fixture
def slow_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float]]:
    """Rebuilds after the first take SLOW_REBUILD_S longer, as they would over a much larger corpus;
    returns the (start, end) perf_counter times of each slow rebuild."""
    original = IndexSession.build
    windows: list[tuple[float, float]] = []
    opened: list[IndexSession] = []

    def build(self: IndexSession) -> Any:
        if not opened:  # the first open: nothing to serve yet, so it is not slowed
            opened.append(self)
            return original(self)
        started = time.perf_counter()
        time.sleep(SLOW_REBUILD_S)
        try:
            return original(self)
        finally:
            windows.append((started, time.perf_counter()))

    monkeypatch.setattr(IndexSession, "build", build)
    return windows


def _mentions(retriever: Any, question: str, text: str) -> bool:
    return any(text in h.chunk.text for h in retriever.search(question, 5))


def _wait_for(condition: Any, timeout: float = 60.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "condition never met"
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.slow
def test_an_ingest_in_another_process_reaches_a_running_index_without_blocking_questions(
    settings: Settings, tmp_path: Path, slow_rebuilds: list[tuple[float, float]]
) -> None:
    retriever = build_retriever(settings)
    assert retriever.search(PLAN_QUESTION, 5) and not _mentions(retriever, ARCHIVE_QUESTION, "每周三")
    waits: list[tuple[float, float]] = []  # (started, seconds)
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            assert retriever.search(PLAN_QUESTION, 5)
            waits.append((started, time.perf_counter() - started))
            time.sleep(0.02)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    path = tmp_path / "查阅点规定.txt"
    path.write_text(ARCHIVE, encoding="utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_EMBEDDER": "none",
           "ASSISTANT_DATABASE_URL": settings.resolved_database_url}
    done = subprocess.run([sys.executable, "-m", "assistant.cli.main", "ingest", str(path)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    _wait_for(lambda: _mentions(retriever, ARCHIVE_QUESTION, "每周三下午开放"))
    stop.set()
    asker.join()
    assert retriever.live.swaps >= 1 and slow_rebuilds  # the new index came from a (slow) background rebuild
    (began, ended), *_ = slow_rebuilds
    during = [seconds for started, seconds in waits if began <= started <= ended]
    assert len(during) >= 10  # questions kept being answered while it was built
    assert max(seconds for _, seconds in waits) < SLOW_REBUILD_S / 2  # and none of them waited for it


def test_a_removed_document_leaves_the_answers_before_and_after_the_swap(
    settings: Settings, slow_rebuilds: list[tuple[float, float]]
) -> None:
    retriever = build_retriever(settings)
    retriever.open()
    store = store_at(settings.resolved_database_url)
    ingest_bytes(store, "查阅点规定.txt", ARCHIVE.encode())
    _wait_for(lambda: _mentions(retriever, ARCHIVE_QUESTION, "每周三下午开放"))
    [archive] = [d.doc_id for d in store.documents() if d.name == "查阅点规定.txt"]

    store.remove([archive])
    assert not _mentions(retriever, ARCHIVE_QUESTION, "每周三")  # at once, with no rebuild
    assert retriever.live.swaps == 1 and retriever.search(PLAN_QUESTION, 5)
    ingest_bytes(store, "公开栏.txt", NOTICE_BOARD.encode())  # an addition: rebuilt in the background
    assert not _mentions(retriever, ARCHIVE_QUESTION, "每周三")  # while it is rebuilt
    _wait_for(lambda: _mentions(retriever, NOTICE_QUESTION, "每月五日"))
    assert retriever.live.swaps == 2 and len(slow_rebuilds) == 2
    assert not _mentions(retriever, ARCHIVE_QUESTION, "每周三")  # and after the swap
    assert all(h.chunk.doc_id != archive for h in retriever.open().retrieve(ARCHIVE_QUESTION, 50).hits)
    assert archive not in retriever.open().doc_ids()
