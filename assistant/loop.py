"""What a turn leaves for the improvement loop, decided once for every channel.

A reply becomes a ``Note``: a refused question ("没有找到"), a weak answer ("仅供参考"), a "/反馈 …"
(feedback on the previous answer) or a 👍/👎. Channels build the note with ``note_for_reply`` /
``note_for_thumb`` (pure) and write it with ``assistant.storage.loop.record_note`` (the one write).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.turn import Message, Reply, Turn

GAP_KINDS = {"refused": "没有找到", "weak": "仅供参考", "down": "👎", "feedback": "/反馈"}
NORM_CHARS = 200
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Note:
    """``feedback``: (up | down | text, text) for the feedback table; ``gap``: (kind, question) for the loop."""

    feedback: tuple[str, str] | None = None
    gap: tuple[str, str] | None = None


def normalise(question: str) -> str:
    """The grouping key: full-width folded, lower case, without spaces and punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", question).lower())[:NORM_CHARS]


def last_question(history: Sequence[Message]) -> str:
    """The member's latest message before this one: what a 👎 or a /反馈 is about."""
    return next((m.text for m in reversed(history) if m.role == "user"), "")


def gap_kind(reply: Reply) -> str | None:
    """refused for "没有找到", weak for "仅供参考", None for an answer, a tool's reply or a task refusal."""
    data = reply.data or {}
    if reply.tool is not None:
        return None
    if data.get("decision") == "refuse":
        return "refused"
    if data.get("verdict") == "weak" and data.get("decision") == "weak":
        return "weak"
    return None


def note_for_reply(turn: Turn, reply: Reply) -> Note | None:
    """The note a reply leaves, or None."""
    if reply.tool == "feedback":
        text = str((reply.data or {}).get("text", ""))
        return Note(feedback=("text", text), gap=("feedback", last_question(turn.history)))
    kind = gap_kind(reply)
    return Note(gap=(kind, turn.text)) if kind is not None else None


def note_for_thumb(kind: str, history: Sequence[Message]) -> Note:
    """A 👍 or 👎 message (or click): feedback always, a gap for the question a 👎 is about."""
    question = last_question(history)
    return Note(feedback=(kind, ""), gap=("down", question) if kind == "down" and question else None)
