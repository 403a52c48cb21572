"""The question bank: every plan paragraph and digest rule is covered, every citation exists, and a
question asked the way staff ask it reaches its clause and leads with the entry's direct answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge.bank import load_bank, parse_bank
from knowledge.corpus import builtin_clauses, plan_chunks
from knowledge.digest import load_digest
from knowledge.errors import ConfigError
from knowledge.index import IndexOptions, open_retriever
from knowledge.retriever import HybridRetriever
from tests.dbs import sqlite_store

EVAL = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev"


@pytest.fixture(scope="module")
def bm25(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    folder = tmp_path_factory.mktemp("bank")
    return open_retriever(IndexOptions(data_dir=folder, embedder="none", mode="bm25"), sqlite_store(folder))


def test_every_plan_paragraph_and_digest_rule_has_bank_entries() -> None:
    covered = {e.target for e in load_bank()}
    assert [c.id for c in plan_chunks() if c.id not in covered] == []
    assert [e.id for e in load_digest() if f"builtin:digest:{e.id}" not in covered] == []
    assert all(len(e.questions) >= 2 and e.answer.endswith("。") for e in load_bank())


def test_every_citation_exists_and_the_anchor_is_in_its_paragraph() -> None:
    clauses = {c.id: c for c in builtin_clauses()}
    for entry in load_bank():
        clause = clauses[entry.target]
        assert entry.anchor in clause.text, entry.id
        assert entry.status == clause.metadata.get("status", "V"), entry.id  # status of the rule it rests on


def test_bank_questions_are_not_copies_of_eval_questions() -> None:
    def pairs(text: str) -> set[str]:
        text = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)
        return {text[i : i + 2] for i in range(len(text) - 1)}

    asked = [pairs(str(i.get("question", ""))) for f in EVAL.glob("*.yaml")
             for i in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("items", []) if i.get("question")]
    for entry in load_bank():
        for question in entry.questions:
            mine = pairs(question)
            close = [a for a in asked if a and mine and 2 * len(mine & a) / (len(mine) + len(a)) >= 0.7]
            assert not close, (entry.id, question)


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        ("没有规则", "- {id: x, rule: no-such-rule, answer: 答。, questions: [问]}"),
        ("找不到唯一", "- {id: x, plan: 五(二), anchor: 并不存在的一句话, answer: 答。, questions: [问]}"),
        ("缺少 answer", "- {id: x, rule: ogi-5, questions: [问]}"),
    ],
)
def test_a_broken_entry_is_a_config_error_naming_it(problem: str, text: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_bank(text, builtin_clauses())


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("单位新媒体账号停更半个月有问题吗", "五(二)"),
        ("我们股室的人调岗了新媒体密码咋办", "五(二)"),
        ("绩效考核里政务公开的分量", "六(二)"),
        ("申请人要的数据得重新统计才有，要给他做吗", "第三十八条"),
    ],
)
def test_staff_wording_reaches_the_clause_through_the_bank(bm25: HybridRetriever, question: str, section: str) -> None:
    assert section in [h.chunk.section for h in bm25.search(question, 2)]
