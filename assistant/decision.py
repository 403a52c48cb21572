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
from typing import Literal

from assistant.answer_type import answer_type
from assistant.router import words
from knowledge.county import county_cache
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
    """The verb of a request to produce or send something (起草, 翻译, 打印, 群发 …), or None for a question.

    A request is recognised by its form: a request to the assistant (帮我/替我/给我/能不能帮我 …) before the verb,
    possibly with the object first (帮忙把这段话润色一下); or, without one, an imperative that starts with the
    verb and a measure or complement (写一份…, 群发一条…, 把…整理成表格, 把…打印出来) and asks no question
    ("起草部门负责解读吗", "申请人写一份申请书要包含哪些内容" are questions).
    """
    spec = words()["task"]
    text = question.strip()
    explicit = re.match(spec["request"], text)
    soft = explicit or re.match(spec["soft_request"], text)
    rest = text[soft.end() :].lstrip() if soft else text
    addressee = re.match(spec["addressee_after_request" if explicit else "addressee"], rest)  # 给各单位群发…
    rest = rest[addressee.end() :] if addressee else rest
    disposal = re.match(spec["disposal"], rest)  # 把这份答复书 / 将方案第五部分
    verb = re.match(spec["verbs"], rest[disposal.end() :] if disposal else rest)
    if verb is None and disposal is not None:
        return None
    if verb is None:
        return None
    after = (rest[disposal.end() :] if disposal else rest)[verb.end() :]
    if explicit:
        return verb.group(0)
    formed = disposal is not None or re.match(spec["measure"], after)
    if formed and not _asks(text):
        return verb.group(0)
    return None


def _asks(text: str) -> bool:
    """A question rather than an imperative: a question word or particle, or an answer type."""
    return bool(re.search(words()["task"]["question"], text)) or answer_type(text) != "other"


@county_cache
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
