"""WeComService: the callback verifier, the API client, the turn worker and the outbox sender, as one unit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from assistant.settings import Settings
from assistant.storage import Database
from connectors.wecom.api import WeComApi
from connectors.wecom.crypto import CallbackVerifier
from connectors.wecom.inbound import InboundWriter
from connectors.wecom.parse import InboundMessage
from connectors.wecom.reminders import ReminderScheduler
from connectors.wecom.sender import OutboxSender
from connectors.wecom.worker import Responder, TurnWorker

log = logging.getLogger(__name__)


class WeComService:
    def __init__(
        self, *, settings: Settings, db: Database, engine: Responder, poll_seconds: float = 1.0
    ) -> None:
        cfg = settings.wecom
        self.db = db
        self.verifier = CallbackVerifier(
            token=cfg.token.get_secret_value(),
            encoding_aes_key=cfg.encoding_aes_key.get_secret_value(),
            corp_id=cfg.corp_id,
        )
        self.api = WeComApi(
            corp_id=cfg.corp_id, secret=cfg.secret.get_secret_value(), agent_id=int(cfg.agent_id or 0),
            base_url=cfg.api_base_url, timeout=cfg.timeout_seconds,
        )
        self.sender = OutboxSender(db=db, api=self.api, cfg=cfg, give_way=self.give_way, poll_seconds=poll_seconds)
        self.worker = TurnWorker(
            db=db, engine=engine, on_reply=self.sender.wake,
            download=lambda media_id, cap: self.api.download_media(media_id, max_bytes=cap),
            upload=self.api.upload_media,
            max_file_bytes=settings.max_file_bytes, concurrency=2,
            give_way=self.give_way, poll_seconds=poll_seconds, lease_seconds=2 * cfg.lease_seconds,
        )
        self.inbound = InboundWriter(db)
        self.reminders = ReminderScheduler(  # the register's due-date reminders, through the same outbox
            db=db, admins=tuple(sorted(settings.auth.admin_ids())), on_queued=self.sender.wake,
        )
        self._tasks: list[asyncio.Task[None]] = []
        self.callbacks_in_progress = 0  # changed on the event loop only

    def give_way(self, limit: float = 0.02) -> None:
        """Called by worker threads between items: wait (GIL released) while callbacks are being acknowledged.

        WeCom needs its HTTP 200 within 5 s; a reply may take a few milliseconds longer.
        """
        deadline = time.monotonic() + limit
        while self.callbacks_in_progress > 0 and time.monotonic() < deadline:
            time.sleep(0.002)

    @property
    def answering(self) -> bool:
        """True when this process runs the turn worker and the outbox sender (not ``serve --no-worker``)."""
        return bool(self._tasks)

    async def start(self) -> None:
        """Run the turn worker and the outbox sender in this process (without it: acknowledge only)."""
        self._tasks = [
            asyncio.create_task(self.worker.run(), name="wecom-worker"),
            asyncio.create_task(self.sender.run(), name="wecom-sender"),
            asyncio.create_task(self.reminders.run(), name="register-reminders"),
        ]

    async def stop(self) -> None:
        await asyncio.to_thread(self.inbound.close)
        if not self._tasks:
            return
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.to_thread(self.worker.close)
        await asyncio.to_thread(self.sender.close)

    async def accept(self, msg: InboundMessage) -> bool:
        new = await self.inbound.record(msg)
        if new:
            self.worker.wake()
        else:
            log.info("duplicate inbound %s ignored", msg.key[:40])
        return new
