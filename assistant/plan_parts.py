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


def part_question(text: str, asks: list[str]) -> str | None:
    """The numeral of the plan part a message asks to see, once the reference, 方案 and ask words are taken
    out nothing is left; None for any other message."""
    m = _PART.search(text)
    n = cn_int(m[1]) if m else None
    if m is None or not n:
        return None
    rest = re.sub(r"[\s?？。!！，,、:：]", "", text[: m.start()] + text[m.end():])
    for word in sorted([*asks, "工作方案", "方案", "里面", "里", "中", "讲的啥", "讲啥", "说的啥"], key=len, reverse=True):
        rest = rest.replace(word, "")
    return to_cn(n) if not rest else None


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
