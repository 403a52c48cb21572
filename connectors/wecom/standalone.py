"""``gongkai worker``: the turn worker and the outbox sender without the HTTP service.

Scale-out: one or more ``gongkai serve --no-worker`` acknowledge callbacks, one or more ``gongkai
worker`` processes answer them. Dedupe, turn queue and outbox live in the shared database, so any
number of each may run; a worker stopped with SIGTERM/SIGINT finishes its turns in progress and hands
its other claims back at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from assistant.factory import build_engine
from assistant.quiz import database_recorder
from assistant.settings import Settings
from assistant.storage import Database, open_database
from connectors.wecom.service import WeComService
from knowledge.errors import ConfigError

log = logging.getLogger(__name__)

# Without in-process wake-ups from the callback handler, the worker learns about new turns by polling.
POLL_SECONDS = 0.25


def check_configured(settings: Settings) -> None:
    missing = settings.wecom.missing()
    if missing:
        raise ConfigError(f"企业微信未配置，无法启动回复进程：缺少 {'、'.join(missing)}。可运行 gongkai doctor 查看。")


def run_worker(settings: Settings) -> None:
    """Blocking: answer queued turns and deliver the outbox until SIGINT/SIGTERM."""
    check_configured(settings)
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)  # bad URL: ConfigError (one Chinese line, exit 2)
    try:
        asyncio.run(_serve(settings, db))
    finally:
        db.dispose()


async def _serve(settings: Settings, db: Database) -> None:
    engine = await asyncio.to_thread(build_engine, settings)
    engine.quiz.recorder = database_recorder(db)
    service = WeComService(settings=settings, db=db, engine=engine, poll_seconds=POLL_SECONDS)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    log.warning("wecom worker started (database %s)", db.dialect)
    try:
        await stop.wait()
    finally:
        log.warning("wecom worker stopping: finishing turns in progress, releasing claims")
        await service.stop()
