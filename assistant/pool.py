"""The heavy-work pool: extraction, classification and answering run in worker processes, never on the
event loop or under its GIL, each with a time budget and (on Linux) a memory budget.

Why processes, not threads: a 200k-character classification is pure-Python CPU work; in a thread it
holds the GIL and every callback ack waits behind it (measured: acks delayed up to 12.6 s). A worker
process runs at a lower scheduling priority, so the OS hands the acks' CPU back first, and a task
past its budget is stopped for real: its process is killed and a fresh one takes its slot.

A slot is one process serving one task at a time over a pipe; ``tasks`` below is the only code that
runs in it. The pool is bounded twice: ``workers`` tasks run, at most ``queue`` more wait, anything
beyond is refused at once with "服务繁忙" instead of piling up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from knowledge.errors import Busy, GongkaiError, TooSlow

log = logging.getLogger(__name__)

_CTX = mp.get_context("spawn")  # fork would copy the server's threads and locks into the child


START_SECONDS = 300.0  # a first start may build the index and load an embedding model


@dataclass(frozen=True)
class PoolLimits:
    workers: int = 2
    queue: int = 16
    timeout_seconds: float = 60.0
    memory_mb: int = 1536
    nice: int = 10


class _Slot:
    """One worker process and the pipe to it; used by one task at a time."""

    def __init__(self, limits: PoolLimits, init: dict[str, Any]) -> None:
        self.limits, self.init = limits, init
        self.proc: Any = None
        self.conn: Any = None
        self.lock = threading.Lock()

    def start(self) -> None:
        from assistant import pool_worker

        parent, child = _CTX.Pipe()
        self.proc = _CTX.Process(
            target=pool_worker.main, args=(child, self.init, self.limits.memory_mb, self.limits.nice),
            name="gongkai-heavy", daemon=True,
        )
        self.proc.start()
        child.close()
        self.conn = parent
        # start-up (imports, index) is not the task's time: wait for the worker to say it is ready
        if not parent.poll(START_SECONDS) or parent.recv()[0] != "ready":
            self.kill()
            raise Busy("处理进程启动失败，请稍后再试或联系管理员。", detail="heavy worker did not start")

    def call(self, task: str, args: tuple[Any, ...], timeout: float) -> Any:
        with self.lock:
            if self.proc is None or not self.proc.is_alive():
                self.start()
            started = time.monotonic()
            try:
                self.conn.send((task, args))
                ready = self.conn.poll(timeout)
                outcome = self.conn.recv() if ready else None
            except (EOFError, OSError):
                ready, outcome = True, None
            if not ready:
                log.warning("heavy task %s over its %.0f s budget: worker killed", task, timeout)
                self.kill()
                raise TooSlow(f"处理时间超过{timeout:.0f}秒的上限，请缩短内容或拆分后再试。", detail=task)
            log.debug("heavy task %s took %.3f s", task, time.monotonic() - started)
        return _unpack(task, outcome or ("died", ""), self)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(timeout=5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def stop(self) -> None:
        with self.lock:
            if self.conn is not None:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
            if self.proc is not None:
                self.proc.join(timeout=5)
            self.kill()


def _unpack(task: str, outcome: tuple[Any, ...], slot: _Slot) -> Any:
    kind = outcome[0]
    if kind == "ok":
        return outcome[1]
    if kind == "gongkai":
        _, cls, message, detail, extra = outcome
        exc = cls(message, detail=detail)
        for name, value in extra.items():
            setattr(exc, name, value)
        raise exc
    if kind == "memory":
        raise TooSlow("内容过大，超出单次处理的内存上限，请拆分后再试。", detail=f"{task} MemoryError")
    if kind == "died":
        slot.kill()
        raise TooSlow("处理过程中断（内容过大或过于复杂），请拆分后再试。", detail=f"{task} worker died")
    raise RuntimeError(f"heavy task {task} failed: {outcome[1]}")


class HeavyPool:
    """``await pool.run("classify", text, title)`` from the event loop; ``pool.call(...)`` from a thread."""

    def __init__(self, limits: PoolLimits, init: dict[str, Any]) -> None:
        self.limits = limits
        self._slots = [_Slot(limits, init) for _ in range(max(1, limits.workers))]
        self._free: list[_Slot] = list(self._slots)
        self._cond = threading.Condition()
        self._admitted = 0  # running + waiting
        self._bulk = 0  # running tasks other than answers
        self._bulk_cap = max(1, len(self._slots) - 1)
        self._closed = False
        # the threads that wait on the workers' pipes (GIL released), apart from asyncio's default pool
        self._waiters = ThreadPoolExecutor(len(self._slots) + limits.queue, thread_name_prefix="heavy-wait")

    def warm(self) -> None:
        """Start every worker process (blocking; run it in a thread at start-up)."""
        for slot in self._slots:
            with slot.lock:
                if slot.proc is None and not self._closed:
                    slot.start()

    def call(self, task: str, *args: Any, timeout: float | None = None) -> Any:
        """Blocking: run ``task`` in a free worker, waiting for one if all are busy (bounded)."""
        self._admit()
        return self._call(task, args, timeout)

    async def run(self, task: str, *args: Any, timeout: float | None = None) -> Any:
        self._admit()  # refuse at once, on the loop, rather than after a hop to a thread
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._waiters, self._call, task, args, timeout)

    def _admit(self) -> None:
        with self._cond:
            if self._admitted >= len(self._slots) + self.limits.queue:
                raise Busy("当前处理任务较多，请稍后再试。", detail="heavy pool queue full")
            self._admitted += 1

    def _call(self, task: str, args: tuple[Any, ...], timeout: float | None) -> Any:
        bulk = task != "respond"
        try:
            with self._cond:
                # one worker is kept for answers: ten long uploads must not hold up every WeCom reply
                while not self._free or (bulk and self._bulk >= self._bulk_cap):
                    self._cond.wait()
                slot = self._free.pop()
                self._bulk += bulk
            try:
                return slot.call(task, args, timeout or self.limits.timeout_seconds)
            finally:
                with self._cond:
                    self._free.append(slot)
                    self._bulk -= bulk
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._admitted -= 1

    def close(self) -> None:
        self._closed = True
        self._waiters.shutdown(wait=False, cancel_futures=True)
        for slot in self._slots:
            slot.stop()


def pool_for(settings: Any) -> HeavyPool:
    """The pool ``settings.pool`` describes; its workers build their own engine from ``settings``."""
    cfg = settings.pool
    limits = PoolLimits(workers=cfg.workers, queue=cfg.queue, timeout_seconds=cfg.timeout_seconds,
                        memory_mb=cfg.memory_mb)
    init = {"settings": settings, "database_url": settings.resolved_database_url, "log_level": settings.log_level}
    return HeavyPool(limits, init)


class PooledEngine:
    """An ``Engine`` stand-in whose ``respond`` runs in the pool (for the WeCom turn worker's threads)."""

    def __init__(self, pool: HeavyPool) -> None:
        self.pool = pool

    def respond(self, turn: Any) -> Any:
        return self.pool.call("respond", turn)


__all__ = ["Busy", "GongkaiError", "HeavyPool", "PoolLimits", "PooledEngine", "TooSlow"]
