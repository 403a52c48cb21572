"""The turn worker: an asyncio task that answers queued inbound messages and fills the outbox.

The answer, the outbox rows, the masked conversation and any feedback are written in one
transaction that also marks the turn done, so a turn is answered exactly once even when two
processes share the database or one dies half-way (its lease expires and another takes the turn).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Protocol

from assistant.conversation import load_history, save_exchange
from assistant.loop import Note, note_for_reply, note_for_thumb
from assistant.storage import Database
from assistant.storage import queue as q
from assistant.storage.loop import record_note
from assistant.storage.records import mask
from assistant.turn import Attachment, Message, Reply, Turn
from connectors.wecom.claimloop import ClaimLoop
from connectors.wecom.formatting import format_reply, to_payloads
from connectors.wecom.redacted_file import DOCX_TYPE, redacted_copy
from connectors.wecom.texts import text, unsupported, welcome
from knowledge.errors import GongkaiError
from knowledge.loaders import SUPPORTED_SUFFIXES, size_text

log = logging.getLogger(__name__)

MAX_TURN_ATTEMPTS = 3
_THUMBS = {"👍": "up", "👎": "down"}


class Responder(Protocol):
    def respond(self, turn: Turn) -> Reply: ...


@dataclass
class Answer:
    text: str
    user_text: str
    markdown: bool = True
    note: Note | None = None  # feedback and gaps for the improvement loop
    history: bool = True
    remember: str | None = None  # what the conversation keeps: the engine's text, not the markdown sent
    extra: list[dict[str, str]] = field(default_factory=list)  # payloads after the text (a redacted .docx)


class TurnWorker(ClaimLoop[q.Job]):
    def __init__(
        self, *, db: Database, engine: Responder, download: Callable[[str, int], bytes],
        on_reply: Callable[[], None], max_file_bytes: int,
        upload: Callable[[str, bytes, str], str] | None = None,
        concurrency: int = 4, poll_seconds: float = 1.0, lease_seconds: float = 120.0, give_way: Callable[[], None] = lambda: None,
    ) -> None:
        self.give_way = give_way
        self.db, self.engine, self.download, self.on_reply = db, engine, download, on_reply
        self.max_file_bytes = max_file_bytes
        self.lease_seconds = lease_seconds  # a turn taken twice is still answered once (finish_job)
        self.upload = upload  # media/upload: (filename, bytes, content type) -> media_id
        self.concurrency = concurrency
        super().__init__(threads=concurrency, thread_name="wecom-turn", poll_seconds=poll_seconds)

    async def _process(self, loop: asyncio.AbstractEventLoop, claimed: list[q.Job]) -> None:
        await asyncio.gather(*(loop.run_in_executor(self._pool, self.handle, job) for job in claimed))

    def _after_batch(self) -> None:
        self.on_reply()  # new outbox rows: wake the sender

    def close(self) -> None:
        """Blocking: finish turns in progress, hand the other claimed turns back for the next start."""
        self._stop_pool()
        with self.db.session() as s:
            q.release_jobs(s, ids=sorted(self._inflight))

    def _claim(self) -> list[q.Job]:
        if self._stopping:
            return []
        with self.db.session() as s:
            jobs = q.claim_jobs(s, limit=self.concurrency * 4, lease_seconds=self.lease_seconds)
        self._inflight.update(j.id for j in jobs)
        return jobs

    def handle(self, job: q.Job) -> None:
        if self._stopping:
            return
        self.give_way()
        self._handle(job)
        self._inflight.discard(job.id)

    def _handle(self, job: q.Job) -> None:
        conversation_id = f"wecom:{job.user_id}"
        try:
            if job.attempts > MAX_TURN_ATTEMPTS:  # it took a process down before: answer with an apology
                raise RuntimeError("turn failed too often")
            answer = self.answer(job, conversation_id)
        except Exception:  # never leave the user without a word
            log.exception("turn failed key=%s kind=%s", job.key[:40], job.kind)
            answer = Answer(text=text("internal_error"), user_text="", markdown=False, history=False)
        # mask before the transaction: masking takes a millisecond or two, the write lock should not;
        # and after any callback in progress is acknowledged: it holds this process's GIL that long
        self.give_way()
        user_text, reply_text = mask(answer.user_text), mask(answer.text if answer.remember is None else answer.remember)
        with self.db.session() as s:
            if not q.finish_job(s, job_id=job.id):
                log.info("turn %s already answered elsewhere", job.id)
                return
            payloads = to_payloads(answer.text, markdown=answer.markdown) + answer.extra
            q.enqueue_replies(s, to_user=job.user_id, payloads=payloads, source_key=job.key)
            record_note(s, answer.note, user_id=job.user_id, channel="wecom")
            if answer.history and answer.user_text:
                save_exchange(s, conversation_id=conversation_id, user_id=job.user_id,
                              user_text=user_text, reply_text=reply_text)
        log.info("turn done id=%d kind=%s reply_chars=%d", job.id, job.kind, len(answer.text))

    def answer(self, job: q.Job, conversation_id: str) -> Answer:
        if job.kind == "welcome":
            return Answer(text=welcome(), user_text="", markdown=False, history=False)
        if job.kind == "unsupported":
            kind = str(job.payload.get("type", ""))
            return Answer(text=unsupported(kind, max_file_bytes=self.max_file_bytes), user_text="", markdown=False,
                          history=False)
        if job.kind == "file":
            return self._answer_file(job, conversation_id)
        message = str(job.payload.get("text", ""))
        if message.strip() in _THUMBS:
            return Answer(text=text("feedback_thanks"), user_text=message, markdown=False,
                          note=note_for_thumb(_THUMBS[message.strip()], self._history(conversation_id)))
        return self._ask(Turn(text=message, user_id=job.user_id, conversation_id=conversation_id,
                              history=self._history(conversation_id)), user_text=message)

    def _answer_file(self, job: q.Job, conversation_id: str) -> Answer:
        filename = str(job.payload.get("filename", ""))
        user_text = f"[文件] {filename}"
        ext = PurePath(filename).suffix.lower()
        if ext not in SUPPORTED_SUFFIXES:
            return Answer(text=text("bad_file_type", ext=ext or filename, mb=size_text(self.max_file_bytes)),
                          user_text=user_text, markdown=False)
        try:
            data = self.download(str(job.payload.get("media_id", "")), self.max_file_bytes)
        except GongkaiError as exc:
            return Answer(text=exc.user_message, user_text=user_text, markdown=False)
        turn = Turn(text="", user_id=job.user_id, conversation_id=conversation_id,
                    history=self._history(conversation_id), attachment=Attachment(filename=filename, data=data))
        answer = self._ask(turn, user_text=user_text)
        answer.extra = self._redacted_file(filename, data)
        return answer

    def _redacted_file(self, filename: str, data: bytes) -> list[dict[str, str]]:
        """A file message carrying the redacted .docx (uploaded first), or a short note when the upload failed."""
        copy = redacted_copy(filename, data, max_bytes=self.max_file_bytes) if self.upload else None
        if copy is None or self.upload is None:
            return []
        try:
            media_id = self.upload(copy[0], copy[1], DOCX_TYPE)
        except GongkaiError as exc:
            log.warning("redacted copy not uploaded: %s", exc.detail or type(exc).__name__)
            return to_payloads(exc.user_message, markdown=False)
        return [{"msgtype": "file", "media_id": media_id}]

    def _ask(self, turn: Turn, *, user_text: str) -> Answer:
        try:
            reply = self.engine.respond(turn)
        except GongkaiError as exc:
            return Answer(text=exc.user_message, user_text=user_text, markdown=False)
        if reply.tool == "feedback":
            return Answer(text=text("feedback_thanks"), user_text=user_text, markdown=False,
                          note=note_for_reply(turn, reply))
        answer = Answer(text=format_reply(reply), user_text=user_text, note=note_for_reply(turn, reply), remember=reply.text)
        file = (reply.data or {}).get("file") if reply.tool == "notice" else None
        if isinstance(file, dict) and self.upload is not None:  # a 告知书 from the register goes as a file message
            answer.extra = self._upload_docx(str(file["filename"]), base64.b64decode(file["docx_base64"]))
        return answer

    def _upload_docx(self, filename: str, data: bytes) -> list[dict[str, str]]:
        assert self.upload is not None
        try:
            return [{"msgtype": "file", "media_id": self.upload(filename, data, DOCX_TYPE)}]
        except GongkaiError as exc:
            log.warning("notice not uploaded: %s", exc.detail or type(exc).__name__)
            return to_payloads(exc.user_message, markdown=False)

    def _history(self, conversation_id: str) -> tuple[Message, ...]:
        with self.db.session() as s:
            return load_history(s, conversation_id)

