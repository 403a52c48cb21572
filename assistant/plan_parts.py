""""方案第五部分讲的啥" / "第四大项是什么": a part of the plan asked by its number, answered with its title and
its subsections as a numbered list (so "那里面第四小点呢" then means that subsection), or, for a part without
subsections, its text. Pure over the plan and a clause lookup."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.references import cn_int, to_cn
from assistant.turn import Reply
from knowledge.plan import Plan
from knowledge.types import Chunk, Source

_PART = re.compile(r"第\s*([一二三四五六七八九十\d]+)\s*(?:部分|部份|大项|大部分|大块|大点)")
# "方案第二项讲的啥": after the word 方案, an item, point or block numbered N is its part N
_PLAN_ITEM = re.compile(r"(?<=方案)[的里中]?第\s*([一二三四五六七八九十\d]+)\s*(?:项|点|块)")
_LABEL = re.compile(r"([一二三四五六七八九十]+)\s*[(（]\s*([一二三四五六七八九十]+)\s*[)）]")
_HEAD = re.compile(r"^《[^》]+》第([一二三四五六七八九十]+)部分“")  # the opening of a part answer
_TASK_ASKS = ["要干啥", "要干什么", "要做啥", "要做什么", "干啥", "干什么", "做啥", "做什么", "讲的啥", "讲啥",
              "说的啥", "要求", "有啥", "有什么", "哪些"]


def part_question(text: str, asks: list[str]) -> str | None:
    """The numeral of the plan part a message asks to see, once the reference, 方案 and ask words are taken
    out nothing is left; None for any other message."""
    m = _PART.search(text) or _PLAN_ITEM.search(text)
    n = cn_int(m[1]) if m else None
    if m is None or not n:
        return None
    return to_cn(n) if not _rest(text[: m.start()] + text[m.end():], asks) else None


def _rest(text: str, asks: list[str]) -> str:
    rest = re.sub(r"[\s?？。!！，,、:：]", "", text)
    for word in sorted([*asks, *_TASK_ASKS, "工作方案", "方案", "里面", "里", "中"], key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest


def sibling_part(text: str, last_answer: str | None) -> str | None:
    """"那第三项呢" after a part of the plan shown as its text (a part without subsections): part 三."""
    head = _HEAD.match(last_answer or "")
    m = re.search(r"第\s*([一二三四五六七八九十\d]+)\s*(?:项|点|块|部分)", text)
    n = cn_int(m[1]) if m else None
    if head is None or m is None or not n or "包括" in (last_answer or "").split("\n", 1)[0]:
        return None
    return to_cn(n) if not _rest(text[: m.start()] + text[m.end():], ["那", "呢", "还有", "再说说"]) else None


def section_question(text: str, asks: list[str]) -> str | None:
    """The plan section a message asks to see by its label ("五(一)具体要干啥", "那四(三)讲的啥"), the label
    and ask words being all there is; None otherwise."""
    m = _LABEL.search(text)
    if m is None:
        return None
    return f"{m[1]}({m[2]})" if not _rest(text[: m.start()] + text[m.end():], asks) else None


def section_answer(label: str, plan: Plan, lookup: Callable[[str, str], list[Chunk]]) -> Reply | None:
    """A section's title and its clauses, each cited; None when the plan has no such section."""
    title = next((s.title for p in plan.parts for s in p.subsections if s.label == label), None)
    chunks = lookup(plan.title, label)[:4]
    if title is None or not chunks:
        return None
    text = f"《{plan.title}》{label}“{title}”的内容：\n" + "\n".join(f"{c.text}〔《{plan.title}》{label}〕" for c in chunks)
    return Reply(text=text, sources=[Source(c.title, c.section, c.text, 1.0) for c in chunks],
                 data={"verdict": "answer", "section": label})


def part_answer(numeral: str, plan: Plan, lookup: Callable[[str, str], list[Chunk]]) -> Reply | None:
    """The part's title and its subsections (each 〔五(一)〕title), or its text; None when the plan has no such part."""
    part = next((p for p in plan.parts if p.numeral == numeral), None)
    if part is None:
        return None
    head = f"《{plan.title}》第{numeral}部分“{part.title}”"
    if part.subsections:
        lines = [f"{n}. 〔{s.label}〕{s.title}" for n, s in enumerate(part.subsections, 1)]
        chunks = [c for s in part.subsections for c in lookup(plan.title, s.label)[:1]]
        text = f"{head}包括{len(lines)}项：\n" + "\n".join(lines)
    else:
        chunks = lookup(plan.title, numeral)[:3]
        text = f"{head}的内容：\n" + "\n".join(f"{c.text}〔《{plan.title}》{numeral}〕" for c in chunks)
    sources = [Source(c.title, c.section, c.text, 1.0) for c in chunks]
    return Reply(text=text, sources=sources, data={"verdict": "answer", "part": numeral})
