"""Follow-ups: what the conversation so far says an elliptic message means. Pure over the history.

``context(history, units)`` reads the last intent (duties / classify / deadline / question), the unit the
user works for or asked about, the last question and the citations of the last answer. ``resolve``
turns an elliptic message into something the engine can answer:

- "那县林草局呢？" after a duties answer, "我们单位呢？" after "我是凤羽镇的" → ``rewrite`` to that unit's tasks;
- "依据呢？" / "具体哪条？" / "出处是什么" → ``basis``: the citations of the last answer;
- "为什么？" after a classification → ``why``: its reasons; after an answer → its 依据;
- "那第一项呢？" / "第三项" → ``item``: item N of the clause just cited;
- after a knowledge question, "那网站呢？" (a new topic), "要是延期呢？" (a condition), "那要多长时间？" (a new
  ask) → ``rewrite`` into a whole question (assistant/followup_rewrite.py), answered from the clause about
  the follow-up's own detail.

Word lists live in ``router.yaml`` (``followup``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.router import words
from assistant.turn import Message
from knowledge.units import UnitRegistry

_CITATION = re.compile(r"〔《([^》]+)》([^〕]*)〕")
_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Context:
    intent: str | None = None  # duties | classify | deadline | question
    unit: str | None = None  # the unit the user works for or asked about last
    own_unit: str | None = None  # the unit the user said they work for
    question: str | None = None  # the last user message that was a knowledge question
    answer: str | None = None  # the last assistant message
    citation: tuple[str, str] | None = None  # (title, section) first cited in the last answer


@dataclass(frozen=True)
class FollowUp:
    kind: Literal["rewrite", "basis", "why", "item", "context"]
    text: str = ""
    n: int = 0
    citation: tuple[str, str] | None = None
    mode: str = ""  # for a rewritten knowledge question: swap | condition | ask (assistant/followup_rewrite.py)
    focus: str = ""  # the follow-up's own detail


def _has(text: str, items: list[str]) -> bool:
    return any(w in text for w in items)


def _intent_of(user: str, reply: str | None, units: UnitRegistry) -> str:
    w = words()
    if reply and reply.lstrip("*").startswith("建议公开属性"):
        return "classify"
    if reply and "答复期限" in reply and re.search(r"\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日", reply):
        return "deadline"
    if re.match(w["duties"]["introduce"], user.strip()):
        return "introduce"
    if units.find_in_text(user) and _has(user, w["duties"]["ask"]) or (reply and "的任务" in reply[:40]):
        return "duties"
    return "question"


def context(history: tuple[Message, ...], units: UnitRegistry) -> Context:
    """The state the conversation carries, from its (masked) history, oldest first."""
    intent = unit = own = question = answer = None
    citation: tuple[str, str] | None = None
    pairs: list[tuple[str, str | None]] = []
    for n, message in enumerate(history):
        if message.role == "user":
            reply = history[n + 1].text if n + 1 < len(history) and history[n + 1].role == "assistant" else None
            pairs.append((message.text, reply))
    for user, reply in pairs:
        kind = _intent_of(user, reply, units)
        named = units.find_in_text(user)
        if kind == "introduce" and named:
            own = unit = named[0].name
        else:
            intent = kind
            if named:
                unit = named[0].name
            if kind == "question":
                question = user
        answer = reply
    if answer:
        found = _CITATION.search(answer)
        citation = (found[1], found[2]) if found else None
    return Context(intent=intent, unit=unit, own_unit=own, question=question, answer=answer, citation=citation)


def item_number(text: str) -> int | None:
    m = re.search(rf"第\s*([{_NUMERALS}\d]+)\s*(?:项|点|条|款|个|类)", text)
    if not m:
        return None
    raw = m[1]
    if raw.isdigit():
        return int(raw)
    if raw == "十":
        return 10
    return (_NUMERALS.index(raw[-1]) + 1) + (10 if raw.startswith("十") and len(raw) == 2 else 0)


def _elliptic(text: str, w: dict[str, list[str]]) -> bool:
    t = text.strip().rstrip("?？。!！")
    return len(t) <= int(w["max_chars"][0]) and (t.endswith("呢") or t.startswith(tuple(w["openers"])))


def resolve(text: str, ctx: Context, units: UnitRegistry) -> FollowUp | None:
    """What an elliptic message means in this context, or None when it stands on its own."""
    w = words()["followup"]
    t = text.strip()
    if ctx.answer is None and ctx.own_unit is None:
        return None
    short = len(t.rstrip("?？。!！")) <= int(w["max_chars"][0])
    if short and _has(t, w["why"]) and ctx.intent == "classify":
        return FollowUp("why")
    if short and (_has(t, w["basis"]) or _has(t, w["why"])) and ctx.citation is not None:
        return FollowUp("basis", citation=ctx.citation)
    n = item_number(t)
    if short and n is not None and ctx.citation is not None and not units.find_in_text(t):
        return FollowUp("item", n=n, citation=ctx.citation)
    if not _elliptic(t, w):
        return None
    named = units.find_in_text(t)
    self_unit = _has(t, words()["duties"]["self"]) and (ctx.own_unit or ctx.unit)
    if named and ctx.intent in ("duties", None, "introduce"):
        return FollowUp("rewrite", f"{named[0].name}有哪些任务")
    if self_unit:
        return FollowUp("rewrite", f"{ctx.own_unit or ctx.unit}有哪些任务")
    if ctx.question and ctx.intent == "question":
        from assistant.followup_rewrite import rewrite

        rw = rewrite(ctx.question, t)
        return FollowUp("rewrite", rw.text, mode=rw.mode, focus=rw.focus, citation=ctx.citation) if rw else None
    return None


def in_context(text: str, ctx: Context) -> str | None:
    """For a short message after a knowledge question ("谁来汇总审核", "超过了会怎么样"): the search text that
    carries the earlier question's topic along, or None. The engine uses it when the message alone finds
    nothing it can answer from, or when it opens like a follow-up."""
    w = words()["followup"]
    t = text.strip()
    if ctx.question is None or ctx.intent != "question" or len(t.rstrip("?？。!！")) > int(w["context_chars"][0]):
        return None
    return f"{ctx.question.rstrip('?？。')} {t}"


def opens_like_follow_up(text: str) -> bool:
    return text.strip().startswith(tuple(words()["followup"]["context_openers"]))
