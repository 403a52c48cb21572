"""``Gongkai(settings)``: the one process object. It owns the settings, the database, the engine, the
heavy-work pool and the chat channels, and offers the ASGI app (``.app()``) and the WeCom worker
(``.run_worker()``). ``create_app``, ``gongkai worker`` and the CLI build through it; nothing is built
at import time and each collaborator is built once, on first use.

Decided here, once: what a turn leaves for the improvement loop (feedback, refused and weak answers)
is stored for every channel (``record_turn``), quiz scores go to the same database, and the engine's
clock is the settings' one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from assistant.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from assistant.engine import Engine
    from assistant.loop import Note
    from assistant.pool import HeavyPool
    from assistant.storage import Database
    from assistant.turn import Reply, Turn
    from knowledge.store import ChunkStore

log = logging.getLogger(__name__)

WORKER_POLL_SECONDS = 0.25  # a separate worker learns about new turns by polling the database


class Gongkai:
    def __init__(self, settings: Settings | None = None, *,
                 on_first_build: Callable[[int], None] | None = None) -> None:
        self.settings = settings or Settings()
        self.on_first_build = on_first_build  # hears the estimated seconds before the index is first built
        self._db: Database | None = None
        self._engine: Engine | None = None
        self._pool: HeavyPool | None = None
        self._lock = threading.Lock()
        self.wecom: Any = None  # connectors.wecom.service.WeComService once started
        self.wecom_bot: Any = None

    # --- collaborators, each built once ----------------------------------------------------
    @property
    def db(self) -> Database:
        with self._lock:
            if self._db is None:
                from assistant.storage import open_database

                self.settings.ensure_dirs()
                self._db = open_database(self.settings.resolved_database_url)  # bad URL: ConfigError
            return self._db

    @property
    def store(self) -> ChunkStore:
        """The knowledge base's documents and chunks, in the same database."""
        from assistant.factory import build_store

        return build_store(self.settings, self.db)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from assistant.factory import build_engine

            self._engine = build_engine(self.settings, db=self.db, on_first_build=self.on_first_build)
        return self._engine

    @property
    def pool(self) -> HeavyPool:
        with self._lock:
            if self._pool is None:
                from assistant.pool import pool_for

                self._pool = pool_for(self.settings)
            return self._pool

    def record_turn(self, turn: Turn, reply: Reply, *, user_id: str, channel: str) -> None:
        """What a turn leaves (a "/反馈 …", a refused or weak answer) from the web page, the API or
        ``gongkai ask``/``chat`` is stored, masked, like the WeCom channels store theirs."""
        from assistant.loop import note_for_reply

        self.record(note_for_reply(turn, reply), user_id=user_id, channel=channel)

    def record(self, note: Note | None, *, user_id: str, channel: str) -> None:
        """Store a note (a 👍/👎 on the web page, or what ``record_turn`` found), masked."""
        from assistant.storage.loop import record_note

        if note is None:
            return
        with self.db.session() as s:
            record_note(s, note, user_id=user_id, channel=channel)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._db is not None:
            self._db.dispose()

    # --- channels ------------------------------------------------------------------------------
    async def start_channels(self, *, answer: bool, in_pool: bool = True) -> None:
        """WeCom (自建应用) and the WeCom bot; ``answer=False``: acknowledge callbacks only."""
        from assistant.pool import PooledEngine
        from connectors.wecom.service import WeComService
        from connectors.wecom_bot.run import build_channel

        s = self.settings
        if s.wecom.configured:
            engine: Any = PooledEngine(self.pool) if in_pool else await asyncio.to_thread(lambda: self.engine)
            poll = 1.0 if in_pool else WORKER_POLL_SECONDS
            self.wecom = WeComService(settings=s, db=self.db, engine=engine, poll_seconds=poll)
            if answer:
                await self.wecom.start()
        elif in_pool:
            log.warning("未配置企业微信（缺少 %s）：/wecom/callback 返回 503，本地网页和 HTTP 接口照常可用。",
                        "、".join(s.wecom.missing()))
        if in_pool:
            self.wecom_bot = build_channel(s, self.db, self.engine, long_connection=answer)
            if self.wecom_bot is not None:
                await self.wecom_bot.start()

    async def stop_channels(self) -> None:
        if self.wecom_bot is not None:
            await self.wecom_bot.stop()
        if self.wecom is not None:
            await self.wecom.stop()

    # --- what the process offers ----------------------------------------------------------------
    def app(self, *, run_worker: bool = True) -> FastAPI:
        """The ASGI app; ``run_worker=False`` acknowledges WeCom callbacks and leaves answering to workers."""
        from assistant.app import build_app

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            app.state.process, app.state.settings = self, self.settings
            app.state.db, app.state.engine, app.state.pool = self.db, self.engine, self.pool
            from tools.pii import warm as warm_masker

            await asyncio.to_thread(warm_masker)  # before serving: every logged or stored line goes through it
            # in the background (/health and callbacks are served meanwhile); WeCom turns need it at once
            if self.settings.pool.warm or (run_worker and self.settings.wecom.configured):
                threading.Thread(target=self.pool.warm, name="heavy-warm", daemon=True).start()
            await self.start_channels(answer=run_worker)
            app.state.wecom, app.state.wecom_bot = self.wecom, self.wecom_bot
            gc.freeze()  # start-up objects leave the collector's full scans (~90 ms each): none on the ack path
            try:
                yield
            finally:
                await self.stop_channels()
                self.close()

        return build_app(self.settings, lifespan)

    def run_worker(self) -> None:
        """Blocking (``gongkai worker``): answer queued WeCom turns and deliver the outbox until SIGINT/SIGTERM."""
        from knowledge.errors import ConfigError

        missing = self.settings.wecom.missing()
        if missing:
            raise ConfigError(f"企业微信未配置，无法启动回复进程：缺少 {'、'.join(missing)}。可运行 gongkai doctor 查看。")
        self.db  # noqa: B018  (a bad database URL: one Chinese line, exit 2, before anything starts)
        try:
            asyncio.run(self._work())
        finally:
            self.close()

    async def _work(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start_channels(answer=True, in_pool=False)
        log.warning("wecom worker started (database %s)", self.db.dialect)
        try:
            await stop.wait()
        finally:
            log.warning("wecom worker stopping: finishing turns in progress, releasing claims")
            await self.stop_channels()
