"""The loop shared by the turn worker and the outbox sender.

Claim due rows from the database on a thread pool, process them, and when nothing was due sleep
until woken (in-process) or until the poll interval passes (another process may have queued work).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Row = TypeVar("Row")


class ClaimLoop(ABC, Generic[Row]):
    def __init__(self, *, threads: int, thread_name: str, poll_seconds: float) -> None:
        self.poll = poll_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix=thread_name)
        self._inflight: set[int] = set()
        self._stopping = False

    def wake(self) -> None:
        """Safe from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        loop = self._loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()  # before the claim, so a wake during it is not lost
            try:
                claimed = await loop.run_in_executor(self._pool, self._claim)
                await self._process(loop, claimed)
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must survive a database hiccup; the rows' leases bring them back
                log.exception("%s iteration failed", type(self).__name__)
                claimed = []
            if claimed:
                self._after_batch()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)

    def _stop_pool(self) -> None:
        """Blocking: refuse new claims and let the rows in progress finish."""
        self._stopping = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    @abstractmethod
    def _claim(self) -> list[Row]: ...

    @abstractmethod
    async def _process(self, loop: asyncio.AbstractEventLoop, claimed: list[Row]) -> None: ...

    def _after_batch(self) -> None:
        """Called after a batch that claimed something."""
