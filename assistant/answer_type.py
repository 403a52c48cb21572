"""What kind of answer a question wants (when / how long / who / which / how much / how to / yes-no /
what is / false premise), and the phrase of a sentence that states it. Word lists: assistant/answer.yaml."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from knowledge.yaml_data import safe_load

TYPES = ("false_premise", "yes_no", "what_is", "when", "how_long", "how_much", "who", "how_many", "how_to", "which")
_CLAUSE = re.compile(r"[，,；;：:。！？]")
_NUMBER = re.compile(r"\d+")


@cache
def words() -> dict[str, Any]:
    data: dict[str, Any] = safe_load(
        resources.files("assistant").joinpath("answer.yaml").read_text(encoding="utf-8")
    )
    return data


def answer_type(question: str) -> str:
    """The first type (in TYPES order) whose cue the question holds; ``other`` when none does.

    A short question that asks for a time or a number *and* ends in 吗 (多少天吗) is still a period
    question; a statement ending in 吧/对吧 is a premise to check.
    """
    q = question.strip()
    cues = words()["types"]
    for kind in TYPES:
        if any(re.search(p, q) for p in cues[kind]):
            if kind == "yes_no" and _asks_quantity(q):
                continue
            if kind == "yes_no" and quantity_kind(q):  # 是不是20个工作日: a premise to check
                return "false_premise"
            return kind
    return "other"


def _asks_quantity(q: str) -> bool:
    cues = words()["types"]
    return any(re.search(p, q) for kind in ("how_long", "how_much", "when", "how_many") for p in cues[kind])


def quantity_kind(question: str) -> str | None:
    """For yes-no and false-premise questions: which quantity they assert (how_long, how_much, when)."""
    for kind in ("how_long", "how_much", "when", "how_many"):
        if any(re.search(p, question) for p in words()["extract"][kind]):
            return kind
    return None


def find_phrase(kind: str, sentence: str) -> str | None:
    """The first phrase of the sentence that states what ``kind`` asks for (a date, a period, a unit …)."""
    for pattern in words()["extract"].get(kind, []):
        m = re.search(pattern, sentence)
        if m:
            return m.group(0)
    return None


def clause_with(sentence: str, phrase: str) -> str:
    """The comma-delimited clause of the sentence holding the phrase, with the clause before it when that
    one is the subject (short, or the phrase's clause starts with a verb)."""
    parts = [p for p in _CLAUSE.split(sentence) if p.strip()]
    for n, part in enumerate(parts):
        if phrase in part:
            if n and (len(part) < 12 or len(parts[n - 1]) <= 14):
                return f"{parts[n - 1].strip()}，{part.strip()}"
            return part.strip()
    return sentence.strip()


def is_negative(sentence: str) -> bool:
    return any(w in sentence for w in words()["negative"])


def asserted_numbers(question: str) -> list[str]:
    return _NUMBER.findall(question)


def cue(kind: str, text: str) -> bool:
    """The text holds a plan cue (``plan_cues``, or the county's own name) or a regulation cue (``regulation_cues``)."""
    if kind == "plan_cues":
        from knowledge.county import load_county

        county = load_county()
        if any(name in text for name in (county.name, *county.aliases)):
            return True
    return any(re.search(p, text) for p in words()[kind])


def best_clause(sentence: str, question: str) -> str:
    """The comma-delimited clause of the sentence that shares the most character pairs with the question."""
    parts = [p.strip() for p in _CLAUSE.split(sentence) if p.strip()]
    if not parts:
        return sentence
    pairs = {question[i : i + 2] for i in range(len(question) - 1)}
    return max(parts, key=lambda p: sum(p[i : i + 2] in pairs for i in range(len(p) - 1)))
