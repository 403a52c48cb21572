"""Answers to the follow-ups that need no new search: 依据呢 / 为什么 / 第N项 / 第N条 (see assistant/followup.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.followup import FollowUp
from assistant.references import DEFAULT_REGULATION, ListItem, pick_document
from assistant.turn import Reply, Turn
from knowledge.types import Chunk, Hit, Source

_NUMERALS = "一二三四五六七八九十"
_ITEM_MARK = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]")
_DOCUMENT = re.compile(r"《[^》]{4,80}》\s*[(（][^()（）]{0,12}〔\d{4}〕\d+号[)）]")  # 《…的通知》(大政办发〔2018〕99号)
NO_CONTEXT = "没有找到上一条回答的出处。请把问题说完整一些，例如“依申请公开多少个工作日内答复”。"

Lookup = Callable[[str, str], list[Chunk]]
Titles = Callable[[], list[str]]


def _last_answer(turn: Turn) -> str:
    return next((m.text for m in reversed(turn.history) if m.role == "assistant"), "")


def _block(text: str, heading: str) -> str:
    """The lines after ``heading`` up to the next blank line."""
    if heading not in text:
        return ""
    return text.split(heading, 1)[1].strip("\n").split("\n\n", 1)[0].strip()


def _source(chunk: Chunk) -> Source:
    return Source(title=chunk.title, section=chunk.section, text=chunk.text, score=1.0)


def answer_follow_up(follow: FollowUp, turn: Turn, lookup: Lookup, titles: Titles = list) -> Reply:
    """The reply to a follow-up that reads the conversation (and the clause it cited)."""
    last = _last_answer(turn)
    if follow.kind == "why":
        reasons = _block(last, "理由：")
        text = f"理由如下：\n{reasons}" if reasons else NO_CONTEXT
        return Reply(text=text, tool="followup", data={"followup": "why"})
    if follow.kind == "verdict":
        return _verdict(follow, last, lookup)
    if follow.kind == "list_item" and follow.item is not None:
        return _list_item(follow.n, follow.item, lookup)
    if follow.kind == "list_item" and follow.items:
        return _list_items(follow.items, lookup)
    if follow.kind == "article" and follow.mode == "whole" and follow.citation is not None:
        return _whole(*follow.citation, lookup)
    if follow.kind == "article" and follow.citation is not None:
        return article_answer(follow.text or None, follow.citation, lookup, titles)
    if follow.citation is None:
        return Reply(text=NO_CONTEXT, tool="followup", data={"followup": follow.kind})
    title, section = follow.citation
    if follow.kind == "basis":
        reply = _basis(last, list(follow.citations) or [follow.citation], lookup)
        return _with_stakes(reply, last, list(follow.citations) or [follow.citation], lookup) if follow.mode == "why" else reply
    return _item(follow.n, title, section, lookup, paragraph=follow.text == "款")


def _verdict(follow: FollowUp, last: str, lookup: Lookup) -> Reply:
    """The yes-no verdict just given, again ("确定吗") or turned round for its opposite ("不备案行不行" after "要。"),
    with the rule it was read from."""
    verdict = last.split("\n", 1)[0].strip()
    negative = verdict.startswith(("不", "没"))
    if follow.mode == "confirm":
        head = f"是的，{verdict}"
    else:  # not doing what is required is not allowed; not doing what is not required is
        head = f"{'可以' if negative else '不可以'}。上一条回答是“{verdict.rstrip('。')}”。"
    quoted = [line for line in last.splitlines() if "〔《" in line]
    basis = _block(last, "依据：")
    text = "\n".join([head, *quoted]) + (f"\n\n依据：\n{basis}" if basis else "")
    chunks = [c for t, s in follow.citations[:3] for c in lookup(t, s)[:1]]
    return Reply(text=text, sources=[_source(c) for c in chunks], tool="followup",
                 data={"followup": "verdict", "mode": follow.mode})


def _basis(last: str, citations: list[tuple[str, str]], lookup: Lookup) -> Reply:
    quoted = [line for line in last.splitlines() if "〔《" in line]
    listed = "\n".join(f"{n}. 《{t}》{s}" for n, (t, s) in enumerate(citations[:8], 1))
    basis = _block(last, "依据：") or listed
    if "\n" not in basis and len(citations) > 1 and basis != listed:  # a tool's one-line 依据 and what it names
        basis = f"{basis}\n{listed}"
    chunks = [c for t, s in citations[:8] for c in lookup(t, s)[:1]]
    text = "上一条回答的依据是：\n" + basis
    documents = list(dict.fromkeys(d for c in chunks for d in _DOCUMENT.findall(c.text)))
    if documents:  # a plan clause rests on the documents it says it follows ("依据的州文件是哪个")
        text += "\n\n条文所依据的文件：\n" + "\n".join(documents)
    if quoted:
        text += "\n\n原文摘录：\n" + "\n".join(quoted)
    title, section = citations[0]
    return Reply(text=text, sources=[_source(c) for c in chunks], tool="followup",
                 data={"followup": "basis", "title": title, "section": section})


def _with_stakes(reply: Reply, last: str, citations: list[tuple[str, str]], lookup: Lookup) -> Reply:
    """"为什么卡这么严" after a rule: its 依据, and the sentences of the cited sections (not quoted yet) that say
    what follows from breaking it (单项否决, 问责, 通报 …): the reason a rule is strict is what it costs."""
    from assistant.router import words

    stakes = words()["followup"]["consequence_words"]
    quoted = _compact(last)
    held = [(sum(w in c.text for w in stakes), t, s, c) for t, s in citations[:3] for c in lookup(t, s)
            if _compact(c.text) not in quoted]
    most = max((n for n, *_ in held), default=0)
    found = [(t, s, c) for n, t, s, c in held if n == most and most > 0]  # the clause most about the stakes
    if not found:
        return reply
    lines = "\n".join(f"{c.text}〔《{t}》{s}〕" for t, s, c in found[:2])
    return replace(reply, text=f"{reply.text}\n\n不落实的后果：\n{lines}",
                   sources=[*reply.sources, *(_source(c) for _, _, c in found[:2])])


def _compact(text: str) -> str:
    return re.sub(r"[\s,，。；;:：]", "", text)


def restated_rule(cited: list[Chunk], hits: list[Hit]) -> Chunk | None:
    """The regulation clause a plan clause restates: the first hit outside the plan that states a period or
    amount the plan clause states (方案五(三) "20个工作日内办结" rests on 条例第三十三条), or None."""
    from assistant.followup_rewrite import amounts

    if not cited or any(c.metadata.get("kind") != "plan" for c in cited):
        return None
    stated = set().union(*(amounts(c.text) for c in cited))
    return next((h.chunk for h in hits if h.chunk.metadata.get("kind", "plan") != "plan"
                 and stated & amounts(h.chunk.text)), None)


def with_law(reply: Reply, rule: Chunk) -> Reply:
    """A basis reply with the regulation clause that says the same as the plan clause it cites."""
    text = f"{reply.text}\n\n法规中的相应规定：\n{rule.text}〔《{rule.title}》{rule.section}〕"
    return replace(reply, text=text, sources=[*reply.sources, _source(rule)])


def _list_item(n: int, item: ListItem, lookup: Lookup) -> Reply:
    """Line N of the list the last answer showed, with the clause it names when there is one."""
    numeral = _NUMERALS[n - 1] if 1 <= n <= len(_NUMERALS) else str(n)
    chunks = lookup(item.title, item.section) if item.title and item.section else []
    text = f"第{numeral}项：{item.text}"
    if chunks:
        text += f"\n\n{_sentences(chunks[0].text, 3)}〔《{item.title}》{item.section}〕"
    return Reply(text=text, sources=[_source(c) for c in chunks[:1]], tool="followup",
                 data={"followup": "list_item", "n": n, "section": item.section})


def _whole(title: str, section: str, lookup: Lookup) -> Reply:
    """Every clause of the section the last answer cited, each cited ("详细说说")."""
    chunks = lookup(title, section)[:6]
    if not chunks:
        return Reply(text=NO_CONTEXT, tool="followup", data={"followup": "article"})
    lines = [f"{c.text}〔《{title}》{section}〕" for c in chunks]
    return Reply(text=f"《{title}》{section}的规定：\n" + "\n".join(lines), sources=[_source(c) for c in chunks],
                 tool="followup", data={"followup": "article", "title": title, "section": section})


def _list_items(items: tuple[ListItem, ...], lookup: Lookup) -> Reply:
    """Several lines of the list just shown, each with the first sentences of the clause it names."""
    blocks, sources = [], []
    for n, item in enumerate(items, 1):
        chunks = lookup(item.title, item.section) if item.title and item.section else []
        block = f"{n}. {item.text}"
        if chunks:
            block += f"\n   {_sentences(chunks[0].text, 2)}〔《{item.title}》{item.section}〕"
            sources.append(_source(chunks[0]))
        blocks.append(block)
    return Reply(text=f"共{len(items)}项：\n" + "\n".join(blocks), sources=sources, tool="followup",
                 data={"followup": "list_item", "n": len(items)})


def _sentences(text: str, n: int) -> str:
    parts = [p for p in re.split(r"(?<=[。；])", text) if p.strip()]
    return "".join(parts[:n]).strip()


def article_answer(named: str | None, citation: tuple[str, str], lookup: Lookup, titles: Titles) -> Reply:
    """Article N of the document named, else of the one cited last, else of the 条例 (what the digest holds)."""
    cited_title, section = citation
    known = titles()
    fallback = cited_title if cited_title and cited_title in known and "第" in section else DEFAULT_REGULATION
    title = pick_document(named, known, fallback) or DEFAULT_REGULATION
    chunks = lookup(title, section)
    if not chunks:
        return Reply(text=f"知识库中没有《{title}》{section}的内容。请换个说法，或直接问这一条讲的事，"
                          "例如“依申请公开多少个工作日内答复”。", tool="followup",
                     data={"followup": "article", "title": title, "section": section, "verdict": "refuse"})
    lines = [f"{c.text}〔《{title}》{section}〕" for c in chunks[:4]]
    text = f"《{title}》{section}的规定：\n" + "\n".join(lines)
    return Reply(text=text, sources=[_source(c) for c in chunks[:4]], tool="followup",
                 data={"followup": "article", "title": title, "section": section})


def items_of(text: str) -> list[str]:
    """The enumerated items of a clause: ①②…, or the parts after a colon separated by ；."""
    if _ITEM_MARK.search(text):
        return [p.strip("；;。 ") for p in _ITEM_MARK.split(text)[1:] if p.strip()]
    body = text.split("：", 1)[1] if "：" in text else text
    parts = [p.strip("。 ") for p in re.split(r"[；;]", body) if p.strip("。 ")]
    return parts if len(parts) >= 2 else []


def _item(n: int, title: str, section: str, lookup: Lookup, *, paragraph: bool = False) -> Reply:
    numeral = _NUMERALS[n - 1] if 1 <= n <= len(_NUMERALS) else str(n)
    sub = lookup(title, f"{section}({numeral})") if "(" not in section else []
    if sub:  # a part of the plan: its subsection N
        chunk = sub[0]
        first = chunk.text.split("。")[0] + "。"
        text = f"第{numeral}项是{chunk.metadata.get('heading', '').split(' > ')[-1]}：\n{first}〔《{title}》{chunk.section}〕"
        return Reply(text=text, sources=[_source(chunk)], tool="followup", data={"followup": "item", "n": n})
    chunks = lookup(title, section)
    if len(chunks) >= 2 and 1 <= n <= len(chunks) and not any(_ITEM_MARK.search(c.text) for c in chunks):
        chunk = chunks[n - 1]  # the digest keeps an article's paragraphs (款) as its rules, in order
        text = f"第{numeral}{'款' if paragraph else '项'}：{chunk.text}〔《{title}》{section}〕"
        return Reply(text=text, sources=[_source(chunk)], tool="followup", data={"followup": "item", "n": n})
    for chunk in chunks:
        items = items_of(chunk.text)
        if 1 <= n <= len(items):
            text = f"第{numeral}项：{items[n - 1]}。〔《{title}》{section}〕"
            return Reply(text=text, sources=[_source(chunk)], tool="followup", data={"followup": "item", "n": n})
    return Reply(text=f"《{title}》{section}没有分项列出第{numeral}项。", tool="followup",
                 data={"followup": "item", "n": n})
