"""Running the real bot against the stand-ins: settings, a bot on its own event loop thread, a slow engine."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from pydantic import SecretStr

from assistant.settings import Settings, WeComBotSettings
from assistant.storage import Database, open_database
from assistant.turn import Reply, Turn
from connectors.wecom_bot.longconn import LongConnectionBot
from tests.wecom_bot_http import AES_KEY, TOKEN
from tests.wecom_bot_stub import BOT_ID, BOT_SECRET


def bot_settings(settings: Settings, *, db_url: str, ws_url: str = "", mode: str = "long_connection",
                 **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(mode=mode, bot_id=BOT_ID, secret=SecretStr(BOT_SECRET), token=SecretStr(TOKEN),
                                  encoding_aes_key=SecretStr(AES_KEY))
    if ws_url:
        values["ws_url"] = ws_url
    values.update(overrides)
    return settings.model_copy(update={"database_url": db_url, "wecom_bot": WeComBotSettings(**values)})


class GatedEngine:
    """Wraps an engine; while ``gate`` is clear, answers wait (to cut the socket mid-stream)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.gate = engine, threading.Event()
        self.gate.set()
        self.calls = 0

    def respond(self, turn: Turn) -> Reply:
        self.calls += 1
        self.gate.wait(30)
        return self.engine.respond(turn)  # type: ignore[no-any-return]


class BotThread:
    """``with BotThread(settings, engine) as bot:`` runs LongConnectionBot.run() on a thread's own loop."""

    def __init__(self, settings: Settings, engine: Any, *, db: Database | None = None, **options: Any) -> None:
        self.db = db or open_database(settings.resolved_database_url)
        self._own_db = db is None
        options = {"heartbeat_seconds": 5.0, "sweep_seconds": 0.2, "backoff_base": 0.05, **options}
        self.bot = LongConnectionBot(settings=settings, db=self.db, engine=engine, **options)
        self.loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        try:
            self.loop.run_until_complete(self.bot.run())
        except BaseException as exc:  # reported to the test
            self.error = exc

    def __enter__(self) -> BotThread:
        self.thread.start()
        return self

    def wait_connected(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.bot.conn.connected.is_set():
            assert time.monotonic() < deadline and self.thread.is_alive(), f"bot did not connect ({self.error!r})"
            time.sleep(0.01)

    def stop(self, grace: float = 5.0) -> None:
        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.bot.stop(grace), self.loop).result(grace + 10)
        self.thread.join(15)

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._own_db:
            self.db.dispose()
