"""One conversation turn in and one reply out: the data every channel passes to ``Engine.respond``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from knowledge.types import Source


@dataclass(frozen=True)
class Message:
    role: Literal["user", "assistant"]
    text: str


HISTORY_MESSAGES = 10  # what the engine reads of a conversation, whichever channel it came through
# what a channel hands the engine so the conversation's state (the unit the user said they work for) outlives
# the follow-up window: "我是卫健局的" said 15 messages ago still makes "我们局有哪些任务" mean 县卫生健康局
STATE_MESSAGES = 200


def recent_history(messages: Sequence[Message], *, limit: int = HISTORY_MESSAGES) -> tuple[Message, ...]:
    """The last ``limit`` messages, masked (masking twice changes nothing): the one shape of history the
    engine reads, whatever a channel sent (the web page keeps more, ``/api/ask`` accepts up to 50)."""
    from tools.pii import mask_text  # imported late: tools is a lower layer and loads its data lazily

    return tuple(Message(m.role, mask_text(m.text)) for m in list(messages)[-limit:]) if limit > 0 else ()


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Turn:
    """What the user said, plus the context a channel has.

    ``history`` is earlier messages of the same conversation, oldest first (already masked);
    ``today`` lets tests and the eval pin the date that 今天/昨天/下周一 resolve against;
    ``own_unit`` is the unit the user said they work for anywhere in the conversation, set by
    ``Engine.respond`` from the whole history before it keeps only the last ``HISTORY_MESSAGES``.
    """

    text: str
    user_id: str = "local"
    conversation_id: str | None = None
    history: tuple[Message, ...] = ()
    attachment: Attachment | None = None
    today: date | None = None
    own_unit: str | None = None


@dataclass
class Reply:
    """The answer: text for the user, cited sources, which tool answered and its structured data."""

    text: str
    sources: list[Source] = field(default_factory=list)
    tool: str | None = None
    data: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "sources": [s.as_dict() for s in self.sources],
            "tool": self.tool,
            "data": self.data,
        }
