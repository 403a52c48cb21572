"""The regulations digest and the question sets written against it and against the plan.

Checks what a staff member or trainer would notice: every article a county office cites is in the
digest with the right numbers and verification status, unverified rules say so, the digest is in
the project's own words, every key fact is actually in the clause that answers it, and every part of
the plan and every digest rule is asked about at least once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from knowledge.digest import (
    STATUSES,
    DigestEntry,
    article_numbers,
    caution,
    chinese_number,
    digest_chunks,
    entry_text,
    is_verified,
    load_digest,
    load_digest_file,
)
from knowledge.errors import ConfigError
from knowledge.types import PLAN_TITLE

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "eval" / "sets" / "dev"
PLAN_TXT = ROOT / "knowledge" / "sources" / "plan.txt"
REFERENCE = Path(os.environ.get("GONGKAI_REGULATIONS_REFERENCE", "/work/shared/reference/regulations.md"))

REQUIRED_ARTICLES = [2, 3, 4, 5, 10, *range(13, 46), 49, 50, 51]
PLAN_LABELS = (
    ["一", "二", "三", "四", "五", "六"]
    + [f"四({n})" for n in "一二三四五六七八九"]
    + [f"五({n})" for n in "一二三四"]
    + ["六(一)", "六(二)"]
)


def _items(name: str) -> list[dict]:
    return list(yaml.safe_load((SETS / f"{name}.yaml").read_text(encoding="utf-8"))["items"])


def _alternatives(fact: str | list[str]) -> list[str]:
    return [str(a) for a in fact] if isinstance(fact, list) else [str(fact)]


def _cited(item: dict) -> list[tuple[str, str]]:
    """(title, section) pairs an item accepts; ``source`` may be one mapping or a list of them."""
    sources = item["source"] if isinstance(item["source"], list) else [item["source"]]
    out = []
    for source in sources:
        section = source["section"]
        out += [(source["title"], str(s)) for s in (section if isinstance(section, list) else [section])]
    return out


def _texts(title: str, section: str) -> list[str]:
    """The clause texts a citation points at: plan paragraphs, or the rules of matching digest entries."""
    if title == PLAN_TITLE:
        return plan_paragraphs()[section]
    return [e.rule for e in _entries_for(title, section)]


def _facts_in(item: dict, text: str) -> bool:
    return all(any(a in text for a in _alternatives(f)) for f in item["key_facts"])


def plan_paragraphs() -> dict[str, list[str]]:
    """Plan paragraphs by section label (一, 四(三) …), read straight from plan.txt."""
    out: dict[str, list[str]] = {}
    part = sub = ""
    for line in PLAN_TXT.read_text(encoding="utf-8").splitlines():
        if head := re.match(r"^([一二三四五六七八九十]+)、", line):
            part, sub = head.group(1), ""
            continue
        if head := re.match(r"^\(([一二三四五六七八九十]+)\)", line):
            sub, line = head.group(1), line[head.end() :]
        if part:
            out.setdefault(f"{part}({sub})" if sub else part, []).append(line)
    return out


def _entries_for(title: str, section: str) -> list[DigestEntry]:
    return [e for e in load_digest() if e.title == title and e.article == section]


# ---------------------------------------------------------------- the digest itself


def test_digest_loads_with_unique_ids_and_known_statuses() -> None:
    entries = load_digest()
    assert 70 <= len(entries) <= 130
    assert len({e.id for e in entries}) == len(entries)
    assert {e.status for e in entries} <= set(STATUSES)
    assert all(e.rule and e.keywords and e.topic and e.basis for e in entries)


@pytest.mark.parametrize("number", REQUIRED_ARTICLES)
def test_every_required_article_of_the_regulation_is_in_the_digest(number: int) -> None:
    covered = {n for e in load_digest() if e.title == "政府信息公开条例" for n in article_numbers(e)}
    assert number in covered


@pytest.mark.parametrize(
    ("label", "value"),
    [("三十三", 33), ("二", 2), ("十", 10), ("二百零一", 201), ("一千零三十四", 1034), ("八十八", 88)],
)
def test_chinese_article_numbers_parse(label: str, value: int) -> None:
    assert chinese_number(label) == value


def test_grouped_article_label_covers_each_article() -> None:
    grouped = next(e for e in load_digest() if e.id == "ogi-23-25")
    assert article_numbers(grouped) == [23, 24, 25]


@pytest.mark.parametrize(
    ("entry_id", "article", "facts", "status"),
    [
        ("ogi-26", "第二十六条", ["20个工作日"], "V"),
        ("ogi-30-notice", "第三十条", ["7个工作日", "一次性"], "V"),
        ("ogi-32-ask", "第三十二条", ["15个工作日"], "V"),
        ("ogi-33-term", "第三十三条", ["20个工作日", "当场答复"], "V"),
        ("ogi-33-extend", "第三十三条", ["不超过20个工作日", "40个工作日", "负责人同意"], "V"),
        ("ogi-34", "第三十四条", ["15个工作日", "视为同意公开"], "V"),
        ("ogi-49-dept", "第四十九条", ["1月31日"], "V"),
        ("ogi-49-gov", "第四十九条", ["3月31日"], "V"),
        ("ar-20", "第二十条", ["60日", "自然日"], "V"),
        ("ar-62", "第六十二条", ["60日", "不超过30日"], "V"),
        ("al-45", "第四十五条", ["15日"], "V"),
        ("al-46", "第四十六条", ["6个月"], "V"),
        ("fee-4", "第四条", ["第1至10件不收费", "第11至30件每件100元", "自然月"], "V"),
        ("fee-4-tiers", "第四条", ["第31至40件每件200元", "第41至50件每件300元"], "推断"),
        (
            "fee-5",
            "第五条",
            ["1至30页免费", "31至100页每页10元", "101至200页每页20元", "201页以上每页40元"],
            "V",
        ),
        ("fee-pay", "缴费期限", ["次日起20个工作日"], "P"),
        ("fee-pause", "缴费期间", ["是否计入答复期限"], "UNVERIFIED"),
        ("ogi-old", "旧条例期限", ["15个工作日", "492号"], "P"),
        ("holiday-days", "法定节假日天数", ["13天", "11天"], "V"),
        ("calc-start", "起算规则", ["T0当天不计"], "推断"),
        ("deid-format", "遮蔽方式", ["没有全国统一标准"], "UNVERIFIED"),
        ("ar-23", "第二十三条", ["先申请行政复议"], "V"),
    ],
)
def test_numbers_and_statuses_match_the_reference(
    entry_id: str, article: str, facts: list[str], status: str
) -> None:
    entry = next(e for e in load_digest() if e.id == entry_id)
    assert entry.article == article
    assert entry.status == status
    for fact in facts:
        assert fact in entry.rule


def test_research_notes_stay_in_metadata_and_unverified_rules_get_a_caution() -> None:
    for entry, chunk in zip(load_digest(), digest_chunks(), strict=True):
        assert chunk.metadata["kind"] == "regulation"
        assert chunk.text == entry.rule  # the user reads the rule, not "年报期限在第四十九条，不在第五十条"
        assert chunk.metadata["note"] == entry.note
        assert bool(caution(entry.status)) == (entry.status != "V"), entry.id
    assert "仅供参考" in caution("UNVERIFIED") and "核实" in caution("UNVERIFIED")
    assert all(is_verified(e) == (e.status == "V") for e in load_digest())


def test_chunks_cite_title_and_article_label() -> None:
    chunks = {c.metadata["entry_id"]: c for c in digest_chunks()}
    assert chunks["ogi-33-term"].title == "政府信息公开条例"
    assert chunks["ogi-33-term"].section == "第三十三条"
    assert chunks["fee-pause"].metadata["status"] == "UNVERIFIED"
    assert "20个工作日" in chunks["ogi-33-extend"].metadata["keywords"]
    assert len({c.id for c in chunks.values()}) == len(chunks)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference regulations.md not available")
def test_no_rule_copies_a_sentence_of_the_reference() -> None:
    reference = REFERENCE.read_text(encoding="utf-8").replace("**", "")
    run = 20
    for entry in load_digest():
        for text in (entry.rule, entry.note, entry_text(entry)):
            copied = [text[i : i + run] for i in range(len(text) - run + 1) if text[i : i + run] in reference]
            assert not copied, (entry.id, copied[:1])


# ---------------------------------------------------------------- a broken digest is reported by entry


GOOD = {
    "id": "ok-1",
    "title": "政府信息公开条例",
    "article": "第五条",
    "article_no": 5,
    "topic": "原则",
    "rule": "以公开为常态。",
    "keywords": ["原则"],
    "status": "V",
    "basis": "S1",
}


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ({**GOOD, "id": "bad-status", "status": "maybe"}, "status"),
        ({**GOOD, "id": "bad-rule", "rule": "  "}, "rule"),
        ({**GOOD, "id": "bad-number", "article_no": "五"}, "article_no"),
        ({**GOOD, "id": "ok-1"}, "重复"),
    ],
)
def test_malformed_entry_raises_config_error_naming_it(tmp_path: Path, broken: dict, problem: str) -> None:
    path = tmp_path / "regulations.yaml"
    path.write_text(yaml.safe_dump([GOOD, broken], allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_digest_file(path)
    assert broken["id"] in caught.value.user_message
    assert problem in caught.value.user_message


def test_unparseable_digest_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "regulations.yaml"
    path.write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_digest_file(path)


# ---------------------------------------------------------------- the question sets


def test_question_sets_are_big_enough_and_ids_unique() -> None:
    plan, regs, oos = _items("qa_plan"), _items("qa_regulations"), _items("out_of_scope")
    assert len(plan) >= 45 and len(regs) >= 45 and len(oos) >= 15
    ids = [i["id"] for i in plan + regs + oos]
    assert len(ids) == len(set(ids))
    assert all("key_facts" not in i and i["question"].strip() for i in oos)


def test_questions_are_not_copied_from_the_sources() -> None:
    corpus = PLAN_TXT.read_text(encoding="utf-8") + "\n".join(e.rule for e in load_digest())
    run = 10
    for item in _items("qa_plan") + _items("qa_regulations"):
        q = item["question"]
        assert not [q[i : i + run] for i in range(len(q) - run + 1) if q[i : i + run] in corpus], item["id"]


def test_plan_key_facts_are_in_the_cited_section() -> None:
    for item in _items("qa_plan"):
        assert any(title == PLAN_TITLE for title, _ in _cited(item)), item["id"]
        text = "\n".join(t for title, section in _cited(item) for t in _texts(title, section))
        assert _facts_in(item, text), item["id"]


def test_regulation_key_facts_are_in_the_cited_digest_entry() -> None:
    for item in _items("qa_regulations"):
        rules = [t for title, section in _cited(item) if title != PLAN_TITLE for t in _texts(title, section)]
        assert rules, item["id"]
        assert any(_facts_in(item, rule) for rule in rules), item["id"]


def test_every_plan_part_and_subsection_is_asked_about() -> None:
    asked = {section for item in _items("qa_plan") for title, section in _cited(item) if title == PLAN_TITLE}
    assert set(plan_paragraphs()) <= asked
    for label in PLAN_LABELS:
        assert any(s == label or s.startswith(label + "(") for s in asked), label


def test_every_digest_rule_is_asked_about() -> None:
    """An entry is covered when a question cites its article and all its key facts are in its rule."""
    covered = {
        entry.id
        for item in _items("qa_regulations") + _items("qa_plan")
        for title, section in _cited(item)
        for entry in _entries_for(title, section)
        if _facts_in(item, entry.rule)
    }
    missing = sorted({e.id for e in load_digest()} - covered)
    assert not missing
