"""How a reply to a question is judged beyond its key facts: citations, padding, out-of-scope handling.

The one place these rules live (documented in eval/README.md, 三、指标怎么算):

- refused: ``grading.is_refusal`` (the not-found answer, or nothing cited and no tool).
- citation hit: an expected source (or a finer section inside it) is among the reply's cited sources
  (for a duties reply: the plan sections of the tasks it lists, anywhere in the list).
- padded: the reply was not refused and cites a clause that is none of the expected sources (neither
  the same section, nor inside it, nor containing it). Only items that name a source are counted.
- out of scope handled, by ``category``: ``task`` → nothing presented as the answer and the reply says
  it cannot do it; ``other_jurisdiction`` → refused, or a caveat that only this county's plan / the national
  条例 is held; anything else (chitchat, unrelated, near_miss, none) → nothing presented as the answer.
- conversation: the last reply graded like a qa item on ``expect`` (key facts; source when given).
"""

from __future__ import annotations

import re
from typing import Any

from eval.grading import ItemResult, _title, grade_qa, is_refusal, section_matches
from eval.items import Item
from knowledge.corpus import plan_title
from knowledge.county import load_county

# Tools that answer with content of their own (a duty list, a date); help and clarify only talk.
_TALK_TOOLS = frozenset({None, "help", "clarify", "feedback"})
_CANNOT = ("不能", "无法", "没法", "不会", "不支持", "做不了", "不提供", "不具备", "不负责", "暂不")
_ONLY = re.compile(r"[只仅]")
_NATIONAL = ("国务院", "国家", "全国")
_HOLDS = ("收录", "掌握", "有", "覆盖", "包含", "了解", "依据", "适用", "针对")
_SENTENCE = re.compile(r"[。！？!?\n]")
_CITATION = re.compile(r"〔[^〕]*〕")


def _nested(a: str, b: str) -> bool:
    return section_matches(a, b) or section_matches(b, a)


def _same_clause(src: dict[str, Any], title: str, sections: tuple[str, ...], *, either_way: bool) -> bool:
    if title and _title(str(src.get("title", ""))) != _title(title):
        return False
    if not sections:  # the expected source names a document, not a section: any part of it
        return True
    got = str(src.get("section", ""))
    match = _nested if either_way else section_matches
    return any(match(got, s) for s in sections)


def cited(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in reply.get("sources") or [] if isinstance(s, dict)]


def citation_hit(item: Item, reply: dict[str, Any]) -> bool:
    return any(_same_clause(s, t, secs, either_way=False) for s in cited(reply) for t, secs in item.sources)


def padding(item: Item, reply: dict[str, Any]) -> list[str]:
    """Cited clauses that are none of the expected sources ("《title》section" labels)."""
    return [f"《{s.get('title', '')}》{s.get('section', '')}" for s in cited(reply)
            if not any(_same_clause(s, t, secs, either_way=True) for t, secs in item.sources)]


def presents_content(reply: dict[str, Any]) -> bool:
    """Something is offered as the answer: a cited clause, or a content tool's result."""
    return bool(cited(reply)) or reply.get("tool") not in _TALK_TOOLS


def _plain_text(reply: dict[str, Any]) -> str:
    text = str(reply.get("answer", "")).split("依据：")[0]
    return _CITATION.sub("", text).replace("仅供参考", "")


def says_cannot(reply: dict[str, Any]) -> bool:
    return any(w in _plain_text(reply) for w in _CANNOT)


def caveats_jurisdiction(reply: dict[str, Any]) -> bool:
    """A sentence (outside quotes of citations) saying only this county's plan or the national 条例 is held."""
    county = load_county()
    held = (county.name, *county.aliases, *_NATIONAL)
    return any(_ONLY.search(s) and any(h in s for h in held) and any(v in s for v in _HOLDS)
               for s in _SENTENCE.split(_plain_text(reply)))


def oos_handled(item: Item, reply: dict[str, Any]) -> bool:
    category = item.data.get("category")
    if category == "task":
        return not presents_content(reply) and says_cannot(reply)
    if category == "other_jurisdiction":
        return is_refusal(reply) or caveats_jurisdiction(reply)
    return not presents_content(reply)


def tool_sources(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """A duties reply cites the plan section of each task it lists (〔四(三)〕 in its text), not ``sources``."""
    data = reply.get("data")
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if reply.get("sources") or not isinstance(tasks, list):
        return []
    plan = data.get("plan") if isinstance(data, dict) else None
    title = str(plan["title"]) if isinstance(plan, dict) else plan_title()
    return [{"title": title, "section": str(t.get("section", ""))} for t in tasks if isinstance(t, dict)]


def grade_answer(item: Item, reply: dict[str, Any]) -> ItemResult:
    """A qa item: key facts and rank (``grading.grade_qa``), plus citation hit and padding.

    A tool's list (duties) is not a ranking: the expected section anywhere in it counts as found (rank 1).
    """
    listed = tool_sources(reply)
    if listed:
        reply = reply | {"sources": listed}
    result = grade_qa(item, reply)
    result.detail["answer_type"] = item.data.get("answer_type")
    if listed and item.sources and citation_hit(item, reply):
        result.detail["rank"] = 1
        result.passed = bool(result.detail.get("all_facts"))
    if item.sources:
        extra = padding(item, reply)
        result.detail |= {"citation_hit": citation_hit(item, reply),
                          "padded": bool(extra) and not result.detail.get("refused"), "padding": extra}
    return result


def grade_oos(item: Item, reply: dict[str, Any]) -> ItemResult:
    handled = oos_handled(item, reply)
    expected = {"task": "说明不能代办此事",
                "other_jurisdiction": f"拒答，或说明只掌握{load_county().name}的方案和国家条例"}.get(
        str(item.data.get("category")), "拒答（不拿条文充当答案）")
    sources = [{k: s.get(k) for k in ("title", "section", "text")} for s in cited(reply)]
    return ItemResult(id=item.id, kind=item.kind, set_name=item.set_name, group=item.group, prompt=item.prompt,
                      passed=handled, expected=expected, got=str(reply.get("answer", "")), sources=sources,
                      detail={"handled": handled, "refused": is_refusal(reply),
                              "category": item.data.get("category")}, split=item.split)


def grade_conversation(item: Item, reply: dict[str, Any]) -> ItemResult:
    """The last reply against ``expect``, graded exactly as a qa item with the last turn as its question."""
    expect = item.data.get("expect") or {}
    turns = [str(t) for t in item.data.get("turns") or []]
    qa_data = {"question": turns[-1] if turns else "", "key_facts": expect.get("key_facts") or []}
    if expect.get("source"):
        qa_data["source"] = expect["source"]
    as_qa = Item(id=item.id, kind="qa", set_name=item.set_name, file=item.file, line=item.line, data=qa_data,
                 split=item.split)
    result = grade_answer(as_qa, reply)
    result.kind, result.group, result.prompt = item.kind, item.group, " → ".join(turns)
    return result
