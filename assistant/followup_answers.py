"""Answers to the follow-ups that need no new search: 依据呢 / 为什么 / 第N项 (see assistant/followup.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.followup import FollowUp
from assistant.turn import Reply, Turn
from knowledge.types import Chunk, Source

_NUMERALS = "一二三四五六七八九十"
_ITEM_MARK = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]")
NO_CONTEXT = "没有找到上一条回答的出处。请把问题说完整一些，例如“依申请公开多少个工作日内答复”。"

Lookup = Callable[[str, str], list[Chunk]]


def _last_answer(turn: Turn) -> str:
    return next((m.text for m in reversed(turn.history) if m.role == "assistant"), "")


def _block(text: str, heading: str) -> str:
    """The lines after ``heading`` up to the next blank line."""
    if heading not in text:
        return ""
    return text.split(heading, 1)[1].strip("\n").split("\n\n", 1)[0].strip()


def _source(chunk: Chunk) -> Source:
    return Source(title=chunk.title, section=chunk.section, text=chunk.text, score=1.0)


def answer_follow_up(follow: FollowUp, turn: Turn, lookup: Lookup) -> Reply:
    """The reply to a follow-up that reads the conversation (and the clause it cited)."""
    last = _last_answer(turn)
    if follow.kind == "why":
        reasons = _block(last, "理由：")
        text = f"理由如下：\n{reasons}" if reasons else NO_CONTEXT
        return Reply(text=text, tool="followup", data={"followup": "why"})
    if follow.citation is None:
        return Reply(text=NO_CONTEXT, tool="followup", data={"followup": follow.kind})
    title, section = follow.citation
    if follow.kind == "basis":
        return _basis(last, title, section, lookup)
    return _item(follow.n, title, section, lookup)


def _basis(last: str, title: str, section: str, lookup: Lookup) -> Reply:
    quoted = [line for line in last.splitlines() if "〔《" in line]
    basis = _block(last, "依据：") or f"1. 《{title}》{section}"
    chunks = lookup(title, section)
    text = "上一条回答的依据是：\n" + basis
    if quoted:
        text += "\n\n原文摘录：\n" + "\n".join(quoted)
    return Reply(text=text, sources=[_source(c) for c in chunks[:1]], tool="followup",
                 data={"followup": "basis", "title": title, "section": section})


def items_of(text: str) -> list[str]:
    """The enumerated items of a clause: ①②…, or the parts after a colon separated by ；."""
    if _ITEM_MARK.search(text):
        return [p.strip("；;。 ") for p in _ITEM_MARK.split(text)[1:] if p.strip()]
    body = text.split("：", 1)[1] if "：" in text else text
    parts = [p.strip("。 ") for p in re.split(r"[；;]", body) if p.strip("。 ")]
    return parts if len(parts) >= 2 else []


def _item(n: int, title: str, section: str, lookup: Lookup) -> Reply:
    numeral = _NUMERALS[n - 1] if 1 <= n <= len(_NUMERALS) else str(n)
    sub = lookup(title, f"{section}({numeral})") if "(" not in section else []
    if sub:  # a part of the plan: its subsection N
        chunk = sub[0]
        first = chunk.text.split("。")[0] + "。"
        text = f"第{numeral}项是{chunk.metadata.get('heading', '').split(' > ')[-1]}：\n{first}〔《{title}》{chunk.section}〕"
        return Reply(text=text, sources=[_source(chunk)], tool="followup", data={"followup": "item", "n": n})
    for chunk in lookup(title, section):
        items = items_of(chunk.text)
        if 1 <= n <= len(items):
            text = f"第{numeral}项：{items[n - 1]}。〔《{title}》{section}〕"
            return Reply(text=text, sources=[_source(chunk)], tool="followup", data={"followup": "item", "n": n})
    return Reply(text=f"《{title}》{section}没有分项列出第{numeral}项。", tool="followup",
                 data={"followup": "item", "n": n})
