"""SQLAlchemy 2 models. The alembic migrations in ``migrations/`` are the schema's source of truth."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class MessageRow(Base):
    """One masked message of a conversation (role user|assistant)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        String(160), ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class Inbound(Base):
    """An inbound WeCom message or event: the unique key is the dedupe; the row is the turn queue.

    ``payload`` holds what the worker needs (text, media id); it is cleared once the turn is done.
    """

    __tablename__ = "inbound"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (Index("ix_inbound_status_next", "status", "next_attempt_at"),)


class Outbox(Base):
    """A reply waiting to be (or already) delivered through ``message/send``."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    to_user: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="reply")
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    source_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    in_flight: Mapped[bool] = mapped_column(Boolean, default=False)  # claimed, outcome not yet recorded
    maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False)  # may have reached WeCom: dedupe on resend
    lease: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the holding claim's fencing token
    queued_at: Mapped[datetime | None] = mapped_column(nullable=True)  # the delivery budget runs from here

    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_user_sent", "to_user", "sent_at"),
    )


class Feedback(Base):
    """👍 / 👎 or a "/反馈 …" text (masked)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)


class QuizScore(Base):
    __tablename__ = "quiz_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    set_name: Mapped[str] = mapped_column(String(128))
    asked: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(index=True)


class QuizAnswer(Base):
    """One graded answer of a finished quiz: what the trainers' report counts per member and plan section."""

    __tablename__ = "quiz_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(128), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    set_name: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(128), default="")
    section: Mapped[str] = mapped_column(String(64), default="")
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(index=True)


class BotTurn(Base):
    """An inbound message or event of the WeCom 智能机器人: ``msgid`` unique is the dedupe; the row is the turn.

    ``payload`` (what answering needs) and ``reply`` (the answer until it was delivered) are cleared
    once the turn is done; ``lease_until`` lets another process take over a turn whose owner died.
    """

    __tablename__ = "bot_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msgid: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(128), default="")
    chat_type: Mapped[str] = mapped_column(String(8), default="single")
    kind: Mapped[str] = mapped_column(String(16))
    stream_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    lease_until: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (Index("ix_bot_turns_status_lease", "status", "lease_until"),)


class LocalUser(Base):
    """A local account for a site without WeCom sign-in; only the scrypt hash of the password is kept."""

    __tablename__ = "local_users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class ApiToken(Base):
    """An API token for scripts; only its SHA-256 is kept (the token is shown once, at creation)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class RevokedSession(Base):
    """A session signed out before its cookie expired: refused by every process until then."""

    __tablename__ = "revoked_sessions"

    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginFailure(Base):
    """One wrong password; ``key_hash`` is the SHA-256 of ``a:<account>`` or ``i:<ip>``."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (Index("ix_login_failures_key_at", "key_hash", "at"),)


class Application(Base):
    """One 依申请公开 application: only registered facts; every date is derived (tools.register)."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    applicant_type: Mapped[str] = mapped_column(String(16))
    applicant_name: Mapped[str] = mapped_column(String(200), default="")  # restricted: shown masked
    content: Mapped[str] = mapped_column(Text)  # masked with tools.pii before it is written
    handler: Mapped[str] = mapped_column(String(128), default="", index=True)
    agency: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApplicationEvent(Base):
    """A dated step of an application (补正, 征求意见, 延期, 收费, 答复, 复议/诉讼)."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    person: Mapped[str | None] = mapped_column(String(128), nullable=True)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    after_review: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime]


class Reminder(Base):
    """One reminder, at most once: the unique key is (application, due kind, due date, offset)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    application_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    to_user: Mapped[str] = mapped_column(String(128))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]


class ApprovedAnswer(Base):
    """An answer an administrator approved (or imported): the database layer of the question bank.

    ``questions`` is one question per line; ``chunk_id`` (with its title/section) is the clause it cites.
    """

    __tablename__ = "approved_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(64), unique=True)
    questions: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    chunk_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    section: Mapped[str] = mapped_column(String(100), default="")
    anchor: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16), default="admin")  # admin | import
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)


class Gap(Base):
    """A question answered "没有找到" (refused), weakly (仅供参考), or whose answer got 👎 / a /反馈.

    Only the masked question (and masked feedback text) is kept, with its normalised form for grouping.
    """

    __tablename__ = "gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # refused | weak | down | feedback
    channel: Mapped[str] = mapped_column(String(16), default="")
    question: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(String(200), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)
    approved_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("approved_answers.id", ondelete="SET NULL"), nullable=True
    )
