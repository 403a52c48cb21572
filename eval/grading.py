"""Grade one item's answer: pure functions from (item, what came back) to an ``ItemResult``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.answer import NOT_FOUND
from assistant.quiz import Fact, fact_label, normalise
from eval.facts import grade_facts
from eval.items import Item, plain
from eval.validate import KNOWLEDGE_QUESTION

__all__ = ["ItemResult", "grade_facts"]  # grade_facts: the key-fact check the quiz is handed too


@dataclass
class ItemResult:
    id: str
    kind: str
    set_name: str
    group: str
    prompt: str
    passed: bool
    expected: Any = None
    got: Any = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    split: str = "dev"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _title(text: str) -> str:
    return normalise(text.replace("《", "").replace("》", ""))


def section_matches(got: str, expected: str) -> bool:
    """Same section, or a finer one inside it (四(三) is inside 四; 第三十三条第二款 inside 第三十三条)."""
    got, expected = got.replace("（", "(").replace("）", ")"), expected.replace("（", "(").replace("）", ")")
    return got == expected or got.startswith(expected + "(") or (expected.endswith("条") and got.startswith(expected))


def source_rank(item: Item, retrieved: list[dict[str, Any]]) -> int | None:
    """1-based rank of the first retrieved source that is an expected one, or None."""
    for rank, src in enumerate(retrieved, start=1):
        for title, sections in item.sources:
            same_title = not title or _title(str(src.get("title", ""))) == _title(title)
            section = str(src.get("section", ""))
            if same_title and (not sections or any(section_matches(section, s) for s in sections)):
                return rank
    return None


def is_refusal(reply: dict[str, Any]) -> bool:
    """The not-found answer: the engine's verdict says refuse, or no tool ran and nothing was cited,
    or the NOT_FOUND text itself."""
    text = str(reply.get("answer", ""))
    data = reply.get("data") if isinstance(reply.get("data"), dict) else {}
    if data and "refuse" in (data.get("decision"), data.get("verdict")):
        return True
    return NOT_FOUND[:20] in text or (not reply.get("sources") and reply.get("tool") is None)


def _facts(item: Item) -> list[Fact]:
    return [tuple(str(a) for a in f) if isinstance(f, list) else str(f) for f in item.data.get("key_facts", [])]


def grade_qa(item: Item, reply: dict[str, Any]) -> ItemResult:
    answer = str(reply.get("answer", ""))
    facts = _facts(item)
    found = list(grade_facts(answer, facts, question=item.prompt).matched)
    data = reply.get("data") or {}
    retrieved = data.get("retrieved") if isinstance(data, dict) and isinstance(data.get("retrieved"), list) else None
    ranking = retrieved if retrieved is not None else list(reply.get("sources") or [])
    rank = source_rank(item, ranking) if item.sources else None
    all_facts = len(found) == len(facts)
    passed = all_facts and (not item.sources or (rank is not None and rank <= 5))
    detail = {"rank": rank, "facts_found": found, "facts_total": len(facts), "all_facts": all_facts,
              "refused": is_refusal(reply), "ranked_from": "retrieved" if retrieved is not None else "sources"}
    expected = {"key_facts": [fact_label(f) for f in facts], "source": item.data.get("source")}
    return _result(item, passed, expected, answer, reply, detail)


def span_match(found: list[dict[str, Any]], expected: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    """(correct findings, findings, matched spans, spans): a finding matches a span with the same text or
    overlapping offsets.

    Precision counts findings and recall counts spans, separately: a value masked at each of its three
    occurrences is three correct findings for one listed span, and one finding that covers two listed
    spans matches both.
    """
    def hit(f: dict[str, Any], e: dict[str, Any]) -> bool:
        if "start" in e and "end" in e and "start" in f and "end" in f:
            return int(f["start"]) < int(e["end"]) and int(e["start"]) < int(f["end"])
        ft, et = normalise(str(f.get("text", ""))), normalise(str(e.get("text", "")))
        return bool(ft and et) and (ft == et or et in ft or ft in et)

    matched_expected = sum(1 for e in expected if any(hit(f, e) for f in found))
    correct_found = sum(1 for f in found if any(hit(f, e) for e in expected))
    return correct_found, len(found), matched_expected, len(expected)


def grade_classify(item: Item, data: dict[str, Any]) -> ItemResult:
    got = data.get("attribute")
    expected_spans = item.data.get("redact")
    detail: dict[str, Any] = {"predicted": got, "label": item.data["expected"]}
    spans_ok = True
    if expected_spans is not None:
        tp_found, n_found, tp_expected, n_expected = span_match(list(data.get("findings") or []), expected_spans)
        detail |= {"tp_found": tp_found, "found": n_found, "tp_expected": tp_expected, "expected_spans": n_expected}
        spans_ok = tp_expected == n_expected
    passed = got == item.data["expected"] and spans_ok
    expected = {"attribute": item.data["expected"], "redact": expected_spans}
    got_view = {"attribute": got, "findings": [f.get("text") for f in data.get("findings") or []],
                "reasons": [r.get("text") for r in data.get("reasons") or []]}
    return _result(item, passed, expected, got_view, {}, detail)


def apply_masks(text: str, findings: list[dict[str, Any]]) -> str:
    """The text as the redactor would publish it: each private finding's span replaced by its mask."""
    if any("start" not in f or "end" not in f for f in findings):  # findings given by text only
        for f in findings:
            if f.get("private", True) and f.get("text"):
                text = text.replace(str(f["text"]), str(f.get("masked") or "*" * len(str(f["text"]))))
        return text
    parts, last = [], 0
    for f in sorted(findings, key=lambda f: int(f.get("start", 0))):
        start, end = int(f.get("start", -1)), int(f.get("end", -1))
        if not f.get("private", True) or start < last or end > len(text):
            continue
        parts += [text[last:start], str(f.get("masked", "*" * (end - start)))]
        last = end
    return "".join(parts + [text[last:]])


def grade_pii(item: Item, findings: list[dict[str, Any]]) -> ItemResult:
    """Spans against masks: a personal-data span is found only when it is masked (a private finding).

    Expected ``credit_code`` spans (organisation data) match the unmasked findings; an office phone
    reported but left unmasked is no false positive. ``keep`` strings must survive the masking
    intact, and no masked finding's text may remain in the redacted text.
    """
    expected = item.data.get("spans", item.data.get("redact")) or []
    text = str(item.data.get("text", ""))
    masks = [f for f in findings if f.get("private", True)]
    reported = [f for f in findings if not f.get("private", True)]  # 信用代码: organisation data, never masked
    org = [e for e in expected if e.get("type") == "credit_code"]
    tp_found, n_found, tp_expected, n_expected = span_match(masks, [e for e in expected if e.get("type") != "credit_code"])
    if org:
        org_found, _, org_expected, _ = span_match(reported, org)
        tp_found, n_found = tp_found + org_found, n_found + org_found
        tp_expected, n_expected = tp_expected + org_expected, n_expected + len(org)
    redacted = apply_masks(text, findings)
    keep = [str(k) for k in item.data.get("keep") or []]  # look-alikes (文号, 信用代码, office phones) must survive
    keep_intact = sum(1 for k in keep if redacted.count(k) >= text.count(k) > 0)
    leaks = sum(1 for f in findings if f.get("private", True) and f.get("text") and str(f["text"]) in redacted)
    passed = tp_expected == n_expected and tp_found == n_found and keep_intact == len(keep) and leaks == 0
    got = [{"type": f.get("type"), "text": f.get("text"), "private": f.get("private", True)} for f in findings]
    detail: dict[str, Any] = {"tp_found": tp_found, "found": n_found, "tp_expected": tp_expected,
                              "expected_spans": n_expected, "leaks": leaks}
    if keep:
        detail |= {"keep_total": len(keep), "keep_intact": keep_intact}
    return _result(item, passed, {"spans": expected, "keep": keep}, got, {}, detail)


_ROLE_ORDER = ("lead", "named", "collective")  # strongest first: a section keeps the unit's strongest role


def _strongest_roles(tasks: list[dict[str, Any]]) -> dict[str, str]:
    """Section -> the unit's strongest role there (a named task outweighs a collective one)."""
    roles: dict[str, str] = {}
    for task in tasks:
        section, role = str(task.get("section", "")), str(task.get("role", ""))
        rank = _ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER)
        old = roles.get(section)
        if old is None or rank < (_ROLE_ORDER.index(old) if old in _ROLE_ORDER else len(_ROLE_ORDER)):
            roles[section] = role
    return roles


def duty_pairs(item: Item, tasks: list[dict[str, Any]]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(expected, got) (section, role) pairs of a duties item.

    With ``expected_roles``: its lead and named sections, and every other expected section as
    collective. Without it: sections only (role "*"). Got pairs keep, per section, the tool's
    strongest role (plus a second lead/named pair where the expectation lists both).
    """
    sections = [str(s) for s in item.data["expected_sections"]]
    roles = item.data.get("expected_roles")
    if not isinstance(roles, dict):
        return {(s, "*") for s in sections}, {(str(t.get("section", "")), "*") for t in tasks}
    expected = {(str(s), r) for r in ("lead", "named") for s in roles.get(r) or []}
    strong = {s for s, _ in expected}
    expected |= {(s, "collective") for s in sections if s not in strong}
    got_all = {(str(t.get("section", "")), str(t.get("role", ""))) for t in tasks}
    got = {(s, r) for s, r in _strongest_roles(tasks).items()}
    got |= {p for p in got_all if p in expected}  # both lead and named in one section, when so expected
    return expected, got


def _pair_matches(got: tuple[str, str], expected: tuple[str, str]) -> bool:
    return got[1] == expected[1] and section_matches(got[0], expected[0])


def grade_duties(item: Item, data: dict[str, Any]) -> ItemResult:
    """Precision/recall over (section, role) pairs: lead and named exactly, the rest as collective."""
    tasks = list(data.get("tasks") or [])
    expected, got = duty_pairs(item, tasks)
    correct = [g for g in got if any(_pair_matches(g, e) for e in expected)]
    covered = [e for e in expected if any(_pair_matches(g, e) for g in got)]
    detail: dict[str, Any] = {"tp_found": len(correct), "found": len(got), "tp_expected": len(covered),
                              "expected": len(expected),
                              "wrong": _labels(got - set(correct)), "missed": _labels(expected - set(covered))}
    passed = len(correct) == len(got) and len(covered) == len(expected)
    shown = {"unit": data.get("unit"), "sections": _labels(got)}
    return _result(item, passed, _labels(expected), shown, {}, detail)


def _labels(pairs: set[tuple[str, str]]) -> list[str]:
    """四(三):named, or just the section when roles are not graded."""
    return sorted(f"{s}:{r}" if r != "*" else s for s, r in pairs)


def grade_deadline(item: Item, data: dict[str, Any]) -> ItemResult:
    expected = item.data["expected"]
    got = {k: plain(data.get(k)) for k in expected}
    passed = all(str(got[k]) == str(v) for k, v in expected.items())
    return _result(item, passed, expected, got, {}, {})


def args_match(expected: dict[str, Any], got: dict[str, Any]) -> bool:
    """Every expected argument is present with the same value (text compared normalised)."""
    got = plain(got)
    for key, value in plain(expected).items():
        if key not in got:
            return False
        if isinstance(value, str | int | float) and normalise(str(value)) != normalise(str(got[key])):
            return False
        if isinstance(value, bool | list | dict) and value != got[key]:
            return False
    return True


def grade_intent(item: Item, reply: dict[str, Any], route_args: dict[str, Any] | None) -> ItemResult:
    expected_tool = item.data.get("expected_tool")
    if expected_tool == KNOWLEDGE_QUESTION:
        expected_tool = None
    tool_ok = reply.get("tool") == expected_tool
    wanted = item.data.get("expected_args") or {}
    args_seen = route_args if route_args is not None else (reply.get("data") or {})
    args_ok = not wanted or (tool_ok and args_match(wanted, args_seen))
    expected = {"tool": expected_tool, "args": wanted}
    got = {"tool": reply.get("tool"), "args": plain(args_seen), "answer": str(reply.get("answer", ""))[:200]}
    return _result(item, tool_ok and args_ok, expected, got, reply, {"tool_ok": tool_ok, "args_ok": args_ok})


def _result(item: Item, passed: bool, expected: Any, got: Any, reply: dict[str, Any],
            detail: dict[str, Any]) -> ItemResult:
    sources = [{k: s.get(k) for k in ("title", "section", "text")} for s in reply.get("sources") or []]
    return ItemResult(id=item.id, kind=item.kind, set_name=item.set_name, group=item.group, prompt=item.prompt,
                      passed=passed, expected=expected, got=got, sources=sources, detail=detail, split=item.split)
