"""``gongkai bot``: the long connection in the foreground, until SIGINT/SIGTERM or a takeover.

The same ``LongConnectionBot`` runs inside ``gongkai serve`` when the bot is configured for it
(``BotChannel`` below is what the app's lifespan starts and stops).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from assistant.settings import Settings
from assistant.storage import Database, open_database
from connectors.wecom.worker import Responder
from connectors.wecom_bot.callback import CallbackBot
from connectors.wecom_bot.connection import SubscribeFailed
from connectors.wecom_bot.longconn import LongConnectionBot
from knowledge.errors import ConfigError

log = logging.getLogger(__name__)


def check_configured(settings: Settings) -> None:
    cfg = settings.wecom_bot
    if cfg.mode != "long_connection":
        raise ConfigError("智能机器人设置为回调模式（ASSISTANT_WECOM_BOT__MODE=callback），"
                          "由 gongkai serve 在 /wecom/bot/callback 接收消息，无需运行 gongkai bot。")
    missing = cfg.missing()
    if missing:
        raise ConfigError(f"智能机器人未配置，无法建立长连接：缺少 {'、'.join(missing)}。可运行 gongkai doctor 查看。")


class BotChannel:
    """The long connection as a background task of another process (``gongkai serve``)."""

    def __init__(self, *, settings: Settings, db: Database, engine: Responder) -> None:
        self.bot = LongConnectionBot(settings=settings, db=db, engine=engine)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="wecom-bot")

    async def _run(self) -> None:
        try:
            await self.bot.run()
        except SubscribeFailed as exc:
            log.error("wecom bot: subscribe refused (errcode %d); the bot channel is off", exc.errcode)

    async def stop(self) -> None:
        if self._task is None:
            return
        await self.bot.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def build_channel(
    settings: Settings, db: Database, engine: Responder, *, long_connection: bool = True
) -> BotChannel | CallbackBot | None:
    """What ``gongkai serve`` runs for the bot: the callback handler, the long connection, or nothing.

    ``long_connection=False`` (``serve --no-worker``): the long connection runs in ``gongkai bot`` instead.
    """
    cfg = settings.wecom_bot
    if not cfg.configured:
        return None
    if cfg.missing():
        log.warning("wecom bot not started: missing %s", ", ".join(cfg.missing()))
        return None
    if cfg.mode == "callback":
        return CallbackBot(settings=settings, db=db, engine=engine)
    return BotChannel(settings=settings, db=db, engine=engine) if long_connection else None


def run_bot(settings: Settings) -> str:
    """Blocking; returns why it ended: "stopped" or "taken_over". Raises ConfigError for refused credentials."""
    check_configured(settings)
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        return asyncio.run(_serve(settings, db))
    finally:
        db.dispose()


async def _serve(settings: Settings, db: Database) -> str:
    from assistant.factory import build_engine

    engine = await asyncio.to_thread(lambda: build_engine(settings, db=db))
    bot = LongConnectionBot(settings=settings, db=db, engine=engine)
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stopping.append(asyncio.create_task(bot.stop())))
    log.warning("wecom bot starting (long connection to %s)", settings.wecom_bot.ws_url)
    try:
        await bot.run()
    except SubscribeFailed as exc:
        raise ConfigError(f"智能机器人订阅失败（errcode {exc.errcode}），请检查 BotID 和 Secret。") from exc
    finally:
        await asyncio.gather(*stopping, return_exceptions=True)
    return "taken_over" if bot.conn.taken_over else "stopped"
