"""Repository functions for conversations, messages, feedback, quiz scores and retention.

Writes take keyword-only arguments. Every text is masked with ``tools.pii.mask_text`` before it is
written, so the database never holds an ID-card or phone number in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.storage.db import utcnow
from assistant.storage.models import (
    Conversation,
    Feedback,
    Gap,
    Inbound,
    MessageRow,
    Outbox,
    QuizAnswer,
    QuizScore,
)
from assistant.turn import Message


class Masked(str):
    """Text that already went through ``mask_text`` (so it can be masked outside a transaction)."""


def mask(text: str) -> Masked:
    if isinstance(text, Masked):
        return text
    from tools.pii import mask_text  # imported late: tools is a lower layer and loads its data lazily

    return Masked(mask_text(text))


def ensure_conversation(session: Session, *, conversation_id: str, user_id: str, channel: str) -> Conversation:
    conv = session.get(Conversation, conversation_id)
    now = utcnow()
    if conv is None:
        conv = Conversation(id=conversation_id, user_id=user_id, channel=channel, created_at=now, updated_at=now)
        session.add(conv)
        session.flush()
    return conv


def add_message(
    session: Session, *, conversation_id: str, role: str, text: str, created_at: datetime | None = None
) -> MessageRow:
    """Append one (masked) message; the conversation must exist (see ``ensure_conversation``)."""
    now = created_at or utcnow()
    row = MessageRow(conversation_id=conversation_id, role=role, text=mask(text), created_at=now)
    session.add(row)
    conv = session.get(Conversation, conversation_id)
    if conv is not None:
        conv.updated_at = now
    return row


def recent_messages(session: Session, conversation_id: str, *, limit: int = 10) -> tuple[Message, ...]:
    """The last ``limit`` messages, oldest first."""
    rows = session.scalars(
        select(MessageRow)
        .where(MessageRow.conversation_id == conversation_id)
        .order_by(MessageRow.id.desc())
        .limit(limit)
    ).all()
    return tuple(Message(role="assistant" if r.role == "assistant" else "user", text=r.text) for r in reversed(rows))


def record_feedback(session: Session, *, user_id: str, kind: str, text: str = "") -> Feedback:
    """kind: up | down | text."""
    row = Feedback(user_id=user_id, kind=kind, text=mask(text), created_at=utcnow())
    session.add(row)
    return row


def list_feedback(session: Session) -> list[Feedback]:
    return list(session.scalars(select(Feedback).order_by(Feedback.id)).all())


def record_quiz_score(
    session: Session, *, user_id: str, set_name: str, asked: int, correct: int, created_at: datetime | None = None
) -> QuizScore:
    row = QuizScore(
        user_id=user_id, set_name=set_name, asked=asked, correct=correct, created_at=created_at or utcnow()
    )
    session.add(row)
    return row


def list_quiz_scores(session: Session) -> list[QuizScore]:
    return list(session.scalars(select(QuizScore).order_by(QuizScore.id)).all())


def record_quiz_answer(
    session: Session, *, user_id: str, question_id: str, set_name: str, title: str, section: str, score: float,
    created_at: datetime | None = None,
) -> QuizAnswer:
    row = QuizAnswer(user_id=user_id, question_id=question_id, set_name=set_name, title=title[:128],
                     section=section[:64], score=score, created_at=created_at or utcnow())
    session.add(row)
    return row


def list_quiz_answers(session: Session, *, since: datetime | None = None,
                      until: datetime | None = None) -> list[QuizAnswer]:
    """Answers recorded in [since, until), oldest first."""
    query = select(QuizAnswer)
    if since is not None:
        query = query.where(QuizAnswer.created_at >= since)
    if until is not None:
        query = query.where(QuizAnswer.created_at < until)
    return list(session.scalars(query.order_by(QuizAnswer.id)).all())


@dataclass(frozen=True)
class PurgeResult:
    messages: int
    conversations: int
    inbound: int
    outbox: int
    feedback: int
    quiz_scores: int
    gaps: int = 0  # the improvement loop's masked questions

    @property
    def total(self) -> int:
        return (self.messages + self.conversations + self.inbound + self.outbox + self.feedback + self.quiz_scores
                + self.gaps)


def purge_older_than(session: Session, *, cutoff: datetime) -> PurgeResult:
    """Delete records older than ``cutoff``; unsent replies are kept (their delivery budget decides)."""

    def _count(stmt: object) -> int:
        return int(getattr(session.execute(stmt), "rowcount", 0) or 0)  # type: ignore[call-overload]

    messages = _count(delete(MessageRow).where(MessageRow.created_at < cutoff))
    has_messages = select(MessageRow.id).where(MessageRow.conversation_id == Conversation.id).exists()
    conversations = _count(delete(Conversation).where(Conversation.updated_at < cutoff, ~has_messages))
    # a turn still pending after the whole retention period will never be answered (no worker ran):
    # its raw payload is the one copy of what the member wrote, so it goes too
    inbound = _count(delete(Inbound).where(Inbound.created_at < cutoff))
    outbox = _count(delete(Outbox).where(Outbox.created_at < cutoff, Outbox.status != "pending"))
    feedback = _count(delete(Feedback).where(Feedback.created_at < cutoff))
    quiz = _count(delete(QuizScore).where(QuizScore.created_at < cutoff))
    quiz += _count(delete(QuizAnswer).where(QuizAnswer.created_at < cutoff))
    gaps = _count(delete(Gap).where(Gap.created_at < cutoff))
    return PurgeResult(messages, conversations, inbound, outbox, feedback, quiz, gaps)
