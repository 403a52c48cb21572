"""The relevance decision for a knowledge question: answer / weak / refuse, or task / other_place.

``decide(question, retrieval)`` is pure: the question text and one search's verdict in, a ``Decision``
out. Tasks ("帮我起草个通知") and other jurisdictions ("剑川县的规定") are recognised before the
retrieval verdict counts, so they are answered honestly (what the assistant can do instead; only this county's
plan and the national rules are held) instead of with a clause that happens to match. The engine puts
``decision.kind`` on ``Reply.data["decision"]``; an LLM mode should run only for ``answer`` and ``weak``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from assistant.router import words
from knowledge.places import foreign_places, load_jurisdiction

Kind = Literal["answer", "weak", "refuse", "task", "other_place"]
REFUSE_HINT = "建议咨询县人民政府办公室（政务公开主管部门）。"


@dataclass(frozen=True)
class Decision:
    kind: Kind
    place: str | None = None  # other_place: the jurisdiction named
    task: str | None = None  # task: what was asked for (起草, 翻译 …)
    verdict: str = "refuse"  # the retrieval verdict underneath (answer / weak / refuse)

    @property
    def may_answer(self) -> bool:
        """Whether an answer may be composed from the hits (directly, or 仅供参考)."""
        return self.kind in ("answer", "weak")


def task_requested(question: str) -> str | None:
    """The verb of a request to produce something (起草, 写, 翻译 …), or None for a question."""
    spec = words()["task"]
    text = question.strip()
    request = re.match(spec["request"], text)
    rest = text[request.end() :].lstrip() if request else text
    verb = re.match(spec["verbs"], rest)
    if verb is None:
        return None
    if request or re.match(spec["measure"], rest[verb.end() :]):
        return verb.group(0)
    return None


@cache
def _places() -> tuple[object, object]:
    from knowledge.tokenizer import default_tokenizer, unit_terms

    return default_tokenizer(), load_jurisdiction(tuple(unit_terms()))


def other_place(question: str) -> str | None:
    """The first jurisdiction named that is neither this county (or its towns) nor the national level."""
    tokenizer, jurisdiction = _places()
    found = foreign_places(question, tokenizer, jurisdiction)  # type: ignore[arg-type]
    return found[0] if found else None


def decide(question: str, verdict: str) -> Decision:
    """Task, other jurisdiction, or the retrieval verdict (answer / weak / refuse)."""
    task = task_requested(question)
    if task:
        return Decision("task", task=task, verdict=verdict)
    place = other_place(question)
    if place:
        return Decision("other_place", place=place, verdict=verdict)
    kind: Kind = "answer" if verdict == "answer" else "weak" if verdict == "weak" else "refuse"
    return Decision(kind, verdict=verdict)
