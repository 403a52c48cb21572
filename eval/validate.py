"""Check one raw eval item of a given kind; return the problem in Chinese, or None when it is usable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

ATTRIBUTES = ("此件公开发布", "此件删减后公开", "此件依申请公开", "此件不公开")
ANSWER_TYPES = ("when", "how_long", "who", "which", "how_much", "how_to", "yes_no", "what_is", "list", "false_premise")
OOS_CATEGORIES = ("chitchat", "unrelated", "task", "other_jurisdiction", "near_miss")
KNOWLEDGE_QUESTION = "question"  # expected_tool for a knowledge question: the same as null (no tool)
TOOLS = ("classify", "duties", "deadline", "period", "help", "quiz", "feedback", "clarify")


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        return f"缺少 {key}（应为非空文字）"
    return None


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _fact_ok(fact: Any) -> bool:
    # a date written as README says (2026-04-17) reaches us as a date: graded as its ISO text
    if isinstance(fact, str | int | float | date):
        return bool(str(fact).strip())
    return isinstance(fact, list) and bool(fact) and all(isinstance(a, str | int | float | date) for a in fact)


def _source_ok(src: Any) -> bool:
    """{title, section}; section may be left out when any part of the document answers."""
    if not isinstance(src, dict) or not isinstance(src.get("title"), str) or not src["title"].strip():
        return False
    section = src.get("section")
    if section is None:
        return True
    if isinstance(section, list):
        return bool(section) and all(isinstance(s, str) and s for s in section)
    return isinstance(section, str) and bool(section)


def _facts_problem(facts: Any) -> str | None:
    if not isinstance(facts, list) or not facts:
        return "缺少 key_facts（应为列表，如 [电子政务协同办公系统]）"
    if not all(_fact_ok(f) for f in facts):
        return "key_facts 中每一项应为文字，或几种可接受说法的列表"
    return None


def _source_problem(src: Any, *, optional: bool = False) -> str | None:
    """A qa item must name its source; a conversation may (hit@k and citations are then not counted)."""
    if src is None and optional:
        return None
    entries = src if isinstance(src, list) else [src]
    if not entries or not all(_source_ok(s) for s in entries):
        return "source 应为 {title: 文件名, section: 章节}，如 {title: 某某县2020年政务公开工作方案, section: 一}"
    return None


def _qa(raw: dict[str, Any]) -> str | None:
    # answer, answer_type, unverified and any other field are optional notes: accepted, never an error
    return _facts_problem(raw.get("key_facts")) or _source_problem(raw.get("source")) or _optional_date(raw, "today")


def _oos(raw: dict[str, Any]) -> str | None:
    return _optional_date(raw, "today")  # category is optional; an unknown one is graded as a refusal


def _conversation(raw: dict[str, Any]) -> str | None:
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        return "turns 应为用户依次发送的消息列表，如 [我是卫健局的, 我们局有哪些任务]"
    expect = raw.get("expect")
    if not isinstance(expect, dict):
        return "缺少 expect（最后一条回答应包含的内容，如 {key_facts: [县卫生健康局]}）"
    return _facts_problem(expect.get("key_facts")) or _source_problem(expect.get("source"), optional=True) or _optional_date(raw, "today")


def _spans_ok(spans: Any) -> bool:
    if not isinstance(spans, list):
        return False
    for span in spans:
        if not isinstance(span, dict):
            return False
        has_text = isinstance(span.get("text"), str | int) and str(span.get("text"))
        has_range = isinstance(span.get("start"), int) and isinstance(span.get("end"), int)
        if not (has_text or has_range):
            return False
    return True


def _classify(raw: dict[str, Any]) -> str | None:
    if raw.get("expected") not in ATTRIBUTES:
        return f"expected 应为四种公开属性之一：{'、'.join(ATTRIBUTES)}"
    if "redact" in raw and not _spans_ok(raw["redact"]):
        return "redact 应为列表，每项形如 {type: id_card, text: 要删去的原文}"
    return None


def _pii(raw: dict[str, Any]) -> str | None:
    spans = raw.get("spans", raw.get("redact"))
    if not _spans_ok(spans):
        return "缺少 spans（应为列表，每项形如 {type: phone, text: 原文}；没有个人信息时写 spans: []）"
    keep = raw.get("keep")
    if keep is not None and not (isinstance(keep, list) and all(isinstance(k, str | int) and str(k) for k in keep)):
        return "keep 应为删减后必须原样保留的文字列表（如文号、单位的统一社会信用代码）"
    return None


def _duties(raw: dict[str, Any]) -> str | None:
    sections = raw.get("expected_sections")
    if not isinstance(sections, list) or not all(isinstance(s, str) and s for s in sections):
        return "expected_sections 应为章节列表，如 [\"三\", \"四(三)\"]"
    return None


def _deadline(raw: dict[str, Any]) -> str | None:
    inp, expected = raw.get("input"), raw.get("expected")
    if not isinstance(inp, dict) or not _is_date(inp.get("received")):
        return "input 应包含 received（收到申请的日期，如 2026-02-13）"
    if not isinstance(expected, dict) or not expected:
        return "expected 应为映射，如 {due: 2026-03-19}"
    bad = [k for k, v in expected.items() if k.endswith("due") and v is not None and not _is_date(v)]
    return f"expected 中的日期格式不对：{'、'.join(bad)}（应为 YYYY-MM-DD）" if bad else None


def _intent(raw: dict[str, Any]) -> str | None:
    if "expected_tool" not in raw:
        return "缺少 expected_tool（工具名，知识问答写 null）"
    tool = raw["expected_tool"]
    if tool is not None and tool not in TOOLS and tool != KNOWLEDGE_QUESTION:
        return f"expected_tool 应为 {'、'.join(TOOLS)} 之一，知识问答写 null 或 question"
    if "expected_args" in raw and not isinstance(raw["expected_args"], dict):
        return "expected_args 应为映射，如 {received: 2026-09-28}"
    return _optional_date(raw, "today")


def _optional_date(raw: dict[str, Any], key: str) -> str | None:
    if key in raw and raw[key] is not None and not _is_date(raw[key]):
        return f"{key} 应为日期，如 2026-11-27"
    return None


_CHECKS: dict[str, tuple[str, Callable[[dict[str, Any]], str | None]]] = {
    "qa": ("question", _qa),
    "out_of_scope": ("question", _oos),
    "conversation": ("", _conversation),
    "classify": ("text", _classify),
    "pii": ("text", _pii),
    "duties": ("unit", _duties),
    "deadline": ("", _deadline),
    "intent": ("message", _intent),
}


def check_item(kind: str, raw: dict[str, Any]) -> str | None:
    if not isinstance(raw.get("id"), str | int) or not str(raw.get("id")).strip():
        return "缺少 id（每一项都要有唯一的编号，如 qa-plan-001）"
    required, check = _CHECKS[kind]
    if required and (problem := _text(raw, required)):
        return problem
    return check(raw)
