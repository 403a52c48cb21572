"""A background index build that gives way to the questions being answered in the same process.

Python runs one thread at a time (the GIL), handing over every 5 ms: a rebuild on its thread (0.5 s of
Python at 31k chunks) halves the speed of a question answered meanwhile, and a question that releases the
GIL (the embedder, numpy) queues behind it to get it back. So the questions say when they are being
answered (``answering``), and the build, between its steps, waits while any is (``give_way``), up to
``_MOST_S`` a step so that a steady stream of questions cannot hold a rebuild back for long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_MOST_S = 0.1  # the longest one step of a build waits for questions
_POLL_S = 0.002


class Questions:
    """How many questions this process is answering now."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    @contextmanager
    def answering(self) -> Iterator[None]:
        with self._lock:
            self._count += 1
        try:
            yield
        finally:
            with self._lock:
                self._count -= 1

    def give_way(self) -> None:
        """Called by a build between its steps: wait while a question is being answered (at most ``_MOST_S``)."""
        deadline = time.monotonic() + _MOST_S
        while self._count and time.monotonic() < deadline:
            time.sleep(_POLL_S)
