"""Long-connection mode: callbacks arrive over the socket, replies stream back on the callback's ``req_id``.

A message is recorded first (msgid unique: a redelivery or a second instance answers nothing), a
placeholder frame goes out at once, ``Engine.respond`` runs on a worker thread, and the answer replaces
the placeholder in the frame that has ``finish: true``. If the socket drops before that frame is
acked, the answer goes out after the reconnect as an ``aibot_send_msg`` (a req_id of a dead connection
is not assumed to work). A turn whose process died is taken over after its lease by the sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from assistant.settings import Settings
from assistant.storage import Database
from connectors.wecom.formatting import split_message
from connectors.wecom.worker import Responder
from connectors.wecom_bot import media
from connectors.wecom_bot import protocol as p
from connectors.wecom_bot.answer import Answerer, Outcome, answerable, store_feedback_event
from connectors.wecom_bot.connection import BotConnection, BotError, ConnectionLost
from connectors.wecom_bot.crypto import media_key
from connectors.wecom_bot.store import StoredTurn, TurnStore
from connectors.wecom_bot.texts import bot_text, welcome
from connectors.wecom_bot.upload import upload_file
from knowledge.errors import BadInput

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 3  # per member [V for callback mode; assumed for the socket]


def answer_threads(settings: Settings) -> int:
    """Rule + retrieval answers are CPU work under the GIL: more than two threads only slow the acks down.
    An LLM answer mostly waits for the endpoint, so more may wait at once."""
    return 8 if settings.llm.enabled else 2


def plain(text: str) -> str:
    """Markdown to plain text for the slots that take only text (the welcome)."""
    return text.replace("**", "").replace("> ", "")


class LongConnectionBot:
    def __init__(
        self, *, settings: Settings, db: Database, engine: Responder, heartbeat_seconds: float = 30.0,
        sweep_seconds: float = 5.0, backoff_base: float = 1.0, reconnect_wait: float = 60.0,
        lease_seconds: float = 60.0, threads: int | None = None,
    ) -> None:
        cfg = settings.wecom_bot
        self.store = TurnStore(db, lease_seconds=lease_seconds)
        self.db = db
        self.max_file_bytes = settings.max_file_bytes
        self.answerer = Answerer(db=db, engine=engine, download=self._download, can_push=True,
                                 max_file_bytes=self.max_file_bytes)
        self.conn = BotConnection(url=cfg.ws_url, bot_id=cfg.bot_id, secret=cfg.secret.get_secret_value(),
                                  on_frame=self._on_frame, heartbeat_seconds=heartbeat_seconds,
                                  backoff_base=backoff_base)
        self.sweep_seconds, self.reconnect_wait = sweep_seconds, reconnect_wait
        # recording and acks never queue behind answers: two pools
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="wecom-bot-db")
        self._work = ThreadPoolExecutor(threads or answer_threads(settings), thread_name_prefix="wecom-bot-answer")
        self._limits: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(MAX_IN_FLIGHT))
        self._turns: dict[int, asyncio.Task[None]] = {}
        self._stopping = False

    # --- lifecycle ---------------------------------------------------------------------------
    async def run(self) -> None:
        """Until ``stop`` or a takeover (``self.conn.taken_over``); SubscribeFailed propagates."""
        sweeper = asyncio.create_task(self._sweep_loop())
        try:
            await self.conn.run()
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await self._abandon()

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the turns in progress (up to ``grace`` s) on the open socket, then close it."""
        self._stopping = True
        pending = [t for t in self._turns.values() if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=grace)
        await self.conn.stop()

    async def _abandon(self) -> None:
        """Cancel what is left and hand those turns to the next process holding the connection."""
        for task in self._turns.values():
            task.cancel()
        ids = list(self._turns)
        await asyncio.gather(*self._turns.values(), return_exceptions=True)
        await self._db(self.store.release, ids)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._work.shutdown(wait=False, cancel_futures=True)

    async def _db(self, fn, *args):  # type: ignore[no-untyped-def]
        """Short database work (recording, leases) on the pool that answers never occupy."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def _run(self, fn, *args):  # type: ignore[no-untyped-def]
        """Answering and committing (masking is CPU work too) on the answer threads."""
        return await asyncio.get_running_loop().run_in_executor(self._work, fn, *args)

    # --- inbound -----------------------------------------------------------------------------
    async def _on_frame(self, frame: dict, generation: int) -> None:  # type: ignore[type-arg]
        rid = str(frame.get("headers", {}).get("req_id", ""))
        try:
            msg = p.parse_body(frame.get("body"))
        except p.BadBody:
            log.warning("bot: a %s frame without the common fields was ignored", str(frame.get("cmd"))[:40])
            return
        try:
            if frame.get("cmd") == p.MSG_CALLBACK:
                await self._message(msg, rid, generation)
            elif frame.get("cmd") == p.EVENT_CALLBACK:
                await self._event(msg, rid, generation)
        except Exception:  # one bad frame must not take the connection down
            log.exception("bot: handling a %s frame failed", str(frame.get("cmd"))[:40])

    async def _event(self, msg: p.BotMessage, rid: str, generation: int) -> None:
        if msg.event not in ("enter_chat", "feedback_event"):
            log.info("bot event %s ignored", msg.event[:40])
            return
        if await self._db(lambda: self.store.record(msg, kind=msg.event[:16], status="done")) is None:
            return  # a redelivery
        if msg.event == "feedback_event":
            stored = await self._db(store_feedback_event, self.db, msg)
            log.info("bot feedback event stored=%s", stored)
            return
        try:  # within 5 s of the event [V]
            await self.conn.request(p.RESPOND_WELCOME, p.text_body(plain(welcome())), rid=rid, generation=generation)
        except (ConnectionLost, TimeoutError, BotError) as exc:
            log.warning("bot welcome not delivered: %s", type(exc).__name__)

    async def _message(self, msg: p.BotMessage, rid: str, generation: int) -> None:
        if not answerable(msg):
            await self._db(lambda: self.store.record(msg, kind=msg.msgtype[:16], status="ignored"))
            log.info("bot: group message without a mention ignored")
            return
        stream_id = p.new_stream_id()
        turn_id = await self._db(lambda: self.store.record(msg, kind=msg.msgtype[:16], stream_id=stream_id))
        if turn_id is None:
            log.info("bot: duplicate msgid %s ignored", msg.msgid[:40])
            return
        task = asyncio.create_task(self._turn(turn_id, msg, rid, generation, stream_id))
        self._turns[turn_id] = task
        task.add_done_callback(self._forget(turn_id))

    def _forget(self, turn_id: int) -> Callable[[asyncio.Task[None]], None]:
        def _done(_task: asyncio.Task[None]) -> None:
            self._turns.pop(turn_id, None)

        return _done

    async def _turn(self, turn_id: int, msg: p.BotMessage, rid: str, generation: int, stream_id: str) -> None:
        async with self._limits[msg.user_id]:
            with contextlib.suppress(ConnectionLost, TimeoutError, BotError):  # the placeholder may be lost
                await self._frame(rid, generation, stream_id, bot_text("thinking"), finish=False,
                                  feedback_id=stream_id)
            outcome = await self._run(self.answerer.answer, msg)
            await self._private_first(msg, outcome)
            delivered = await self._final(rid, generation, stream_id, outcome.text)
            if not delivered and await self._push(msg.push_target, outcome.text) == "offline":
                return  # still pending: the sweep delivers it when the connection is back
            await self._send_file(msg, outcome)
            await self._run(self.answerer.commit, turn_id, msg, outcome)
        log.info("bot turn done id=%d reply_chars=%d", turn_id, len(outcome.text))

    async def _frame(self, rid: str, generation: int | None, stream_id: str, content: str, *, finish: bool,
                     feedback_id: str = "") -> None:
        body = p.stream_body(stream_id, content, finish=finish, feedback_id=feedback_id)
        await self.conn.request(p.RESPOND_MSG, body, rid=rid, generation=generation)

    async def _final(self, rid: str, generation: int, stream_id: str, text: str) -> bool:
        """The finishing frame: on the callback's connection, or once more after a reconnect."""
        try:
            await self._frame(rid, generation, stream_id, text, finish=True)
            return True
        except BotError as exc:  # 846608 (window over) or the req_id is no longer valid
            log.info("bot final frame refused: errcode %d", exc.errcode)
            return False
        except (ConnectionLost, TimeoutError):
            pass
        if not await self._connected():
            return False
        try:
            await self._frame(rid, None, stream_id, text, finish=True)
            return True
        except (BotError, ConnectionLost, TimeoutError) as exc:
            log.info("bot final frame after reconnect refused (%s): pushing instead", type(exc).__name__)
            return False

    async def _connected(self) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.reconnect_wait):
                await self.conn.connected.wait()
        return self.conn.connected.is_set()

    async def _push(self, target: tuple[str, int], text: str) -> str:
        """``aibot_send_msg`` markdown, split at 20480 bytes: "sent", "refused" (an errcode: final, logged;
        the same message would be refused again) or "offline" (the connection stayed away: try later)."""
        chat_id, chat_type = target
        for part in split_message(text, p.MAX_CONTENT_BYTES) or [text]:
            if not await self._connected():
                return "offline"
            try:
                await self.conn.request(p.SEND_MSG, {"chatid": chat_id, "chat_type": chat_type, **p.markdown_body(part)})
            except (ConnectionLost, TimeoutError):
                return "offline"
            except BotError as exc:
                log.warning("bot push refused: errcode %d", exc.errcode)
                return "refused"
        return "sent"

    async def _private_first(self, msg: p.BotMessage, outcome: Outcome) -> None:
        """A group member's result with personal data goes to their single chat; the group note says if it did."""
        if outcome.private and await self._push((msg.user_id, 1), outcome.private) != "sent":
            log.info("bot: the private result could not reach the member; the group is told to use a single chat")
            outcome.text, outcome.private = bot_text("group_private_unavailable"), ""

    async def _send_file(self, msg: p.BotMessage, outcome: Outcome) -> None:
        """The redacted .docx after the reply: uploaded, then pushed as a file message; a note if that fails."""
        if outcome.file is None:
            return
        name, data = outcome.file
        try:
            media_id = await upload_file(self.conn, name, data)
            await self.conn.request(p.SEND_MSG, {"chatid": msg.user_id, "chat_type": 1, "msgtype": "file",
                                                 "file": {"media_id": media_id}})
        except (BotError, ConnectionLost, TimeoutError) as exc:
            log.warning("bot: redacted copy not sent (%s)", type(exc).__name__)
            await self._push((msg.user_id, 1), bot_text("file_not_sent"))
            return
        log.info("bot: redacted copy sent bytes=%d", len(data))

    async def send_message(self, chat_id: str, text: str, *, group: bool = False) -> bool:
        """Proactive message (reminders …): markdown to a chat that has messaged the bot before; True if sent."""
        return await self._push((chat_id, 2 if group else 1), text) == "sent"

    # --- takeover of turns whose process died --------------------------------------------------
    async def _sweep_loop(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            try:
                await self._db(self.store.renew, list(self._turns))
                if self.conn.connected.is_set() and not self._stopping:
                    for turn in await self._db(self.store.claim_stale):
                        if turn.id not in self._turns:
                            task = asyncio.create_task(self._recover(turn))
                            self._turns[turn.id] = task
                            task.add_done_callback(self._forget(turn.id))
            except Exception:  # a database hiccup: the next sweep tries again
                log.exception("bot sweep failed")

    async def _recover(self, turn: StoredTurn) -> None:
        msg = turn.msg
        async with self._limits[msg.user_id]:
            outcome = await self._run(self.answerer.answer, msg)
            await self._private_first(msg, outcome)
            if await self._push(msg.push_target, outcome.text) != "offline":
                await self._send_file(msg, outcome)
                await self._run(self.answerer.commit, turn.id, msg, outcome)
                log.info("bot turn %d recovered and pushed", turn.id)

    def _download(self, file: dict[str, str]) -> tuple[str, bytes]:
        try:
            key = media_key(file.get("aeskey", ""))
        except ValueError as exc:
            raise BadInput("文件无法解密，请重新发送。", detail="aeskey") from exc
        return media.download(file.get("url", ""), key, max_bytes=self.max_file_bytes)
