"""The shipped question sets cover every part and subsection of the plan and every rule of the digest."""

from __future__ import annotations

from functools import cache

from eval.items import Item, default_paths, load_sets
from knowledge.digest import entry_text, load_digest
from knowledge.plan import load_plan
from knowledge.types import PLAN_TITLE
from tools.pii import find_pii  # noqa: F401  (the pii sets are scored with it; import proves it exists)

MIN_ITEMS = 250


@cache
def _items() -> tuple[Item, ...]:
    return tuple(load_sets(default_paths(("dev",))).items)


def _qa_citations() -> list[tuple[Item, str, str]]:
    """(item, title, section) for every acceptable source of every qa item."""
    return [(i, title, section) for i in _items() if i.kind == "qa" for title, sections in i.sources for section in sections]


def test_shipped_sets_load_without_format_errors() -> None:
    result = load_sets(default_paths(("dev",)))
    assert [str(e) for e in result.errors] == []


def test_at_least_250_items_across_all_sets() -> None:
    by_kind: dict[str, int] = {}
    for item in _items():
        by_kind[item.kind] = by_kind.get(item.kind, 0) + 1
    assert sum(by_kind.values()) >= MIN_ITEMS, by_kind


def test_every_part_and_subsection_of_the_plan_has_a_question() -> None:
    plan = load_plan()
    cited = {section for _, title, section in _qa_citations() if title == PLAN_TITLE}
    missing_sections = [s.label for s in plan.sections() if s.label not in cited]
    missing_parts = [p.numeral for p in plan.parts
                     if p.numeral not in cited and not any(c.startswith(p.numeral + "(") for c in cited)]
    assert (missing_parts, missing_sections) == ([], [])


def test_every_rule_of_the_regulations_digest_has_a_question() -> None:
    """A rule is covered by a qa item citing its title and article whose source names the rule's id
    (``source: {…, rule: <id>}``) or one of whose key facts is in the rule's text."""
    citations = _qa_citations()
    missing = [
        f"{entry.id} {entry.title}{entry.article}"
        for entry in load_digest()
        if not any(title == entry.title and section == entry.article and _covers(item, entry.id, entry_text(entry))
                   for item, title, section in citations)
    ]
    assert missing == []


def _covers(item: Item, rule_id: str, text: str) -> bool:
    source = item.data.get("source")
    named = [s.get("rule") for s in (source if isinstance(source, list) else [source]) if isinstance(s, dict)]
    return rule_id in named or _any_fact_in(item, text)


def _any_fact_in(item: Item, text: str) -> bool:
    from eval.grading import grade_facts

    return any(grade_facts(text, [f if isinstance(f, str) else tuple(f)]).score for f in item.data.get("key_facts", []))
