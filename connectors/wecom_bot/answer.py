"""One bot turn, answered: the group rules, files, feedback words, then ``Engine.respond``. Blocking.

Groups: only an @-mention is answered (the mention stripped); each member's context in a group is
its own conversation, apart from the group's other members and from the member's single chat; a group
reply is masked, and a classification that found personal data goes to the member privately.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from assistant.conversation import load_history, save_exchange
from assistant.loop import Note, note_for_reply, note_for_thumb
from assistant.storage import Database
from assistant.storage.loop import record_note
from assistant.storage.records import mask
from assistant.turn import Attachment, Reply, Turn
from connectors.wecom.formatting import format_reply
from connectors.wecom.redacted_file import redacted_copy
from connectors.wecom.worker import Responder
from connectors.wecom_bot.protocol import BotMessage
from connectors.wecom_bot.store import TurnStore
from connectors.wecom_bot.texts import bot_text, shared_text, unsupported
from knowledge.errors import GongkaiError
from knowledge.loaders import SUPPORTED_SUFFIXES, size_text

log = logging.getLogger(__name__)

THUMBS = {"👍": "up", "👎": "down"}
Download = Callable[[dict[str, str]], tuple[str, bytes]]  # the message's file struct -> (name, data)


@dataclass
class Outcome:
    text: str  # the reply in the conversation the message came from (markdown)
    user_text: str = ""
    private: str = ""  # group only: the full result for the member's single chat
    file: tuple[str, bytes] | None = None  # single chat: the redacted .docx to send after the reply
    note: Note | None = None  # feedback and gaps for the improvement loop
    history: bool = True
    remember: str | None = None  # what the conversation keeps: the engine's text, not the markdown sent


def conversation_id(msg: BotMessage) -> str:
    if msg.group:
        return f"wecombot:group:{msg.chat_id}:{msg.user_id}"
    return f"wecombot:user:{msg.user_id}"


def answerable(msg: BotMessage) -> bool:
    """Groups: only what @-mentions the bot."""
    return not msg.group or msg.mentioned


class Answerer:
    def __init__(self, *, db: Database, engine: Responder, download: Download, can_push: bool,
                 max_file_bytes: int) -> None:
        self.db, self.engine, self.download = db, engine, download
        self.can_push = can_push  # long connection: aibot_send_msg reaches the member's single chat, files too
        self.max_file_bytes = max_file_bytes
        self.store = TurnStore(db)

    def answer(self, msg: BotMessage) -> Outcome:
        """Never raises: a failure becomes an apology."""
        try:
            outcome = self._answer(msg)
        except Exception:
            log.exception("bot turn failed msgid=%s", msg.msgid[:40])
            return Outcome(text=shared_text("internal_error"), history=False)
        if msg.group:  # never a member's personal data in a group
            outcome.text = mask(outcome.text)
        return outcome

    def _answer(self, msg: BotMessage) -> Outcome:
        if msg.msgtype == "file":
            return self._file(msg)
        if msg.msgtype not in ("text", "mixed", "voice"):
            return Outcome(text=unsupported(msg.msgtype, max_file_bytes=self.max_file_bytes), history=False)
        if msg.text.strip() in THUMBS:
            return Outcome(text=shared_text("feedback_thanks"), user_text=msg.text,
                           note=note_for_thumb(THUMBS[msg.text.strip()], self._history(msg)))
        return self._ask(msg, Turn(text=msg.text, user_id=msg.user_id, conversation_id=conversation_id(msg),
                                   history=self._history(msg)), user_text=msg.text)

    def _file(self, msg: BotMessage) -> Outcome:
        if msg.group:  # [V] files reach the bot only in single chats
            return Outcome(text=bot_text("group_file"), history=False)
        try:
            filename, data = self.download(msg.file)
        except GongkaiError as exc:
            log.info("bot file download failed msgid=%s: %s", msg.msgid[:40], exc.detail or type(exc).__name__)
            return Outcome(text=exc.user_message, user_text="[文件]")
        if PurePath(filename).suffix.lower() not in SUPPORTED_SUFFIXES:
            return Outcome(text=bot_text("unknown_file", mb=size_text(self.max_file_bytes)), user_text="[文件]")
        log.info("bot file msgid=%s bytes=%d type=%s", msg.msgid[:40], len(data), PurePath(filename).suffix)
        turn = Turn(text="", user_id=msg.user_id, conversation_id=conversation_id(msg), history=self._history(msg),
                    attachment=Attachment(filename=filename, data=data))
        outcome = self._ask(msg, turn, user_text=f"[文件] {filename}")
        if self.can_push:  # as in the 自建应用 channel: the same document with its personal data masked
            outcome.file = redacted_copy(filename, data, max_bytes=self.max_file_bytes)
        return outcome

    def _ask(self, msg: BotMessage, turn: Turn, *, user_text: str) -> Outcome:
        try:
            reply = self.engine.respond(turn)
        except GongkaiError as exc:
            return Outcome(text=exc.user_message, user_text=user_text)
        if reply.tool == "feedback":
            return Outcome(text=shared_text("feedback_thanks"), user_text=user_text, note=note_for_reply(turn, reply))
        text = format_reply(reply)
        if msg.group and _has_findings(reply):
            if not self.can_push:
                return Outcome(text=bot_text("group_private_unavailable"), user_text=user_text)
            return Outcome(text=bot_text("group_private_note"), user_text=user_text, private=text, remember=reply.text)
        return Outcome(text=text, user_text=user_text, note=note_for_reply(turn, reply), remember=reply.text)

    def _history(self, msg: BotMessage) -> tuple:  # type: ignore[type-arg]
        with self.db.session() as s:
            return load_history(s, conversation_id(msg))

    def commit(self, turn_id: int, msg: BotMessage, outcome: Outcome, *, keep_reply: bool = False) -> bool:
        """Blocking, one transaction: the turn done (or, ``keep_reply``, answered but not yet delivered),
        the masked exchange and any feedback; False if another process got there first."""
        kept = outcome.remember if outcome.remember is not None else outcome.private or outcome.text
        user_text, reply_text = mask(outcome.user_text), mask(kept)
        with self.db.session() as s:
            if keep_reply:
                if not self.store.answered(s, turn_id, outcome.text):
                    return False
            elif not self.store.finish(s, turn_id):
                return False
            record_note(s, outcome.note, user_id=msg.user_id, channel="wecom_bot")
            if outcome.history and outcome.user_text:
                save_exchange(s, conversation_id=conversation_id(msg), user_id=msg.user_id, user_text=user_text,
                              reply_text=reply_text, channel="wecom_bot")
        return True


def _has_findings(reply: Reply) -> bool:
    findings = (reply.data or {}).get("findings")
    return reply.tool == "classify" and bool(findings)


FEEDBACK_TYPES = {1: "up", 2: "down"}  # 3 = cancelled [C]
REASONS = {1: "与问题无关", 2: "内容不完整", 3: "内容有错误", 4: "数据分析错误"}  # [?] one repo's mapping


def store_feedback_event(db: Database, msg: BotMessage) -> bool:
    """A 👍/👎 click on a reply (``feedback_event``), stored like any other feedback; False if ignored."""
    data = msg.event_data
    try:
        kind = FEEDBACK_TYPES.get(int(data.get("type", 0)))
    except (TypeError, ValueError):
        kind = None
    if kind is None:
        return False
    reasons = [REASONS.get(r, str(r)) for r in data.get("inaccurate_reason_list") or [] if isinstance(r, int)]
    parts = [f"[机器人回复 {str(data.get('id', ''))[:64]}]"]
    if reasons:
        parts.append("原因：" + "、".join(reasons))
    if data.get("content"):
        parts.append(str(data["content"])[:2000])
    with db.session() as s:
        history = load_history(s, conversation_id(msg))
        note = note_for_thumb(kind, history)
        record_note(s, Note(feedback=(kind, " ".join(parts)), gap=note.gap), user_id=msg.user_id, channel="wecom_bot")
    return True
