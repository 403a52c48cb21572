"""Callback mode: WeCom POSTs encrypted JSON; the HTTP response is the (encrypted) reply.

A new message is recorded (msgid unique), its answer starts on a worker thread, and the response is a
stream with ``finish: false`` at once. WeCom then polls with stream-refresh callbacks [V 100719]; each
is answered from the database (so any instance behind a proxy can answer it): still working -> the
placeholder, answered -> the answer with ``finish: true``. An answer ready only after WeCom stopped
polling (6 minutes after the message) goes once through the message's ``response_url``.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx

from assistant.settings import Settings
from assistant.storage import Database, utcnow
from connectors.wecom.worker import Responder
from connectors.wecom_bot import media
from connectors.wecom_bot import protocol as p
from connectors.wecom_bot.answer import Answerer, answerable, store_feedback_event
from connectors.wecom_bot.crypto import BotCrypto
from connectors.wecom_bot.longconn import MAX_IN_FLIGHT, answer_threads, plain
from connectors.wecom_bot.store import StoredTurn, TurnStore
from connectors.wecom_bot.texts import bot_text, welcome

log = logging.getLogger(__name__)

STREAM_WINDOW_SECONDS = 360.0  # WeCom polls a stream until 6 minutes after the message [V]


class CallbackBot:
    def __init__(self, *, settings: Settings, db: Database, engine: Responder,
                 window_seconds: float = STREAM_WINDOW_SECONDS, sweep_seconds: float = 15.0,
                 lease_seconds: float = 60.0) -> None:
        cfg = settings.wecom_bot
        self.crypto = BotCrypto(token=cfg.token.get_secret_value(),
                                encoding_aes_key=cfg.encoding_aes_key.get_secret_value())
        self.db, self.store = db, TurnStore(db, lease_seconds=lease_seconds)
        self.max_file_bytes = settings.max_file_bytes
        self.answerer = Answerer(db=db, engine=engine, download=self._download, can_push=False,
                                 max_file_bytes=self.max_file_bytes)
        self.window, self.sweep_seconds = timedelta(seconds=window_seconds), sweep_seconds
        # recording and acks never queue behind answers: two pools
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="wecom-bot-cb-db")
        self._work = ThreadPoolExecutor(answer_threads(settings), thread_name_prefix="wecom-bot-cb-answer")
        self._jobs: dict[int, asyncio.Task[None]] = {}
        self._per_user: dict[str, int] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._http = httpx.AsyncClient(timeout=10)
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="wecom-bot-callback-sweep")

    async def stop(self) -> None:
        tasks = [t for t in (self._sweeper, *self._jobs.values()) if t is not None]
        ids = list(self._jobs)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._db(self.store.release, ids)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._work.shutdown(wait=False, cancel_futures=True)
        if self._http is not None:
            await self._http.aclose()

    async def _db(self, fn, *args):  # type: ignore[no-untyped-def]
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    # --- one callback ------------------------------------------------------------------------
    async def handle(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        """The plaintext reply for a decrypted callback, or None for an empty body; raises BadBody."""
        msg = p.parse_body(doc)
        if msg.msgtype == "stream":
            return await self._refresh(msg.stream_id)
        if msg.msgtype == "event":
            return await self._event(msg)
        if not answerable(msg):
            await self._db(lambda: self.store.record(msg, kind=msg.msgtype[:16], status="ignored"))
            return None
        stream_id = p.new_stream_id()
        turn_id = await self._db(lambda: self.store.record(msg, kind=msg.msgtype[:16], stream_id=stream_id))
        if turn_id is None:  # WeCom's retry of a message we have: answer as a refresh of its stream
            seen = await self._db(self.store.by_msgid, msg.msgid)
            return await self._refresh(seen.stream_id) if seen is not None and seen.stream_id else None
        self._start(turn_id, msg, stream_id, utcnow())
        return p.stream_body(stream_id, bot_text("thinking"), finish=False, feedback_id=stream_id)

    async def _event(self, msg: p.BotMessage) -> dict[str, Any] | None:
        if msg.event not in ("enter_chat", "feedback_event"):
            return None  # template_card_event: this bot sends no cards
        if await self._db(lambda: self.store.record(msg, kind=msg.event[:16], status="done")) is None:
            return None
        if msg.event == "feedback_event":
            await self._db(store_feedback_event, self.db, msg)
            return None
        return p.text_body(plain(welcome()))

    async def _refresh(self, stream_id: str) -> dict[str, Any]:
        turn: StoredTurn | None = await self._db(self.store.by_stream, stream_id) if stream_id else None
        if turn is None:
            return p.stream_body(stream_id, "", finish=True)  # unknown stream: end it [C]
        if turn.status == "answered" and turn.reply is not None:
            if await self._db(self.store.delivered, turn.id, turn.reply):
                return p.stream_body(stream_id, turn.reply, finish=True)
            turn = await self._db(self.store.by_stream, stream_id) or turn
        if turn.status != "pending":  # delivered before (a retry): the same answer again, masked
            return p.stream_body(stream_id, turn.reply or "", finish=True)
        if turn.id not in self._jobs and await self._db(self.store.claim, turn.id):  # its process died
            self._start(turn.id, turn.msg, stream_id, turn.created_at)
        return p.stream_body(stream_id, bot_text("thinking"), finish=False)

    # --- answering ---------------------------------------------------------------------------
    def _start(self, turn_id: int, msg: p.BotMessage, stream_id: str, created: Any) -> None:
        task = asyncio.create_task(self._answer(turn_id, msg, created))
        self._jobs[turn_id] = task
        task.add_done_callback(lambda _t: self._jobs.pop(turn_id, None))

    async def _answer(self, turn_id: int, msg: p.BotMessage, created: Any) -> None:
        while self._per_user.get(msg.user_id, 0) >= MAX_IN_FLIGHT:  # WeCom withholds a 4th, but be sure
            await asyncio.sleep(0.05)
        self._per_user[msg.user_id] = self._per_user.get(msg.user_id, 0) + 1
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(self._work, self.answerer.answer, msg)
            if not await self._db(lambda: self.answerer.commit(turn_id, msg, outcome, keep_reply=True)):
                return
        finally:
            self._per_user[msg.user_id] -= 1
        log.info("bot callback turn answered id=%d reply_chars=%d", turn_id, len(outcome.text))
        remaining = (created + self.window - utcnow()).total_seconds()
        await asyncio.sleep(max(0.0, remaining))  # until WeCom stops polling
        if msg.response_url and await self._db(self.store.delivered, turn_id, outcome.text):
            await self._late(msg.response_url, outcome.text)

    async def _late(self, url: str, text: str) -> None:
        """The answer nobody polled for: once through response_url (valid 1 hour, 1 use [V])."""
        assert self._http is not None
        body = p.markdown_body(text)
        try:
            res = await self._http.post(url, json=body)
            code = res.json().get("errcode", -1) if res.status_code == 200 else res.status_code
        except (httpx.HTTPError, ValueError) as exc:
            code = type(exc).__name__
        log.info("bot late answer via response_url: %s", code)

    async def _sweep_loop(self) -> None:
        """Turns of a process that died and that no refresh asked for again: answer them late."""
        while True:
            await asyncio.sleep(self.sweep_seconds)
            try:
                await self._db(self.store.renew, list(self._jobs))
                for turn in await self._db(self.store.claim_stale):
                    if turn.id not in self._jobs:
                        self._start(turn.id, turn.msg, turn.stream_id, turn.created_at)
            except Exception:  # a database hiccup: the next sweep tries again
                log.exception("bot callback sweep failed")

    def _download(self, file: dict[str, str]) -> tuple[str, bytes]:
        return media.download(file.get("url", ""), self.crypto.key, max_bytes=self.max_file_bytes)
