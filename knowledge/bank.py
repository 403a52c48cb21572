"""The question bank (问答对): how staff ask about each plan paragraph and digest rule, with a direct answer.

The data lives in ``knowledge/sources/question_bank.yaml``. Each entry rests on one clause: a plan
paragraph (``plan`` = its section label, ``anchor`` = a phrase of the sentence the answer comes from) or a
digest rule (``rule`` = its id). The entry's answer is one sentence in the project's own words; its
verification status is the status of the clause it rests on (plan text: V). Every question becomes a
retrievable chunk of kind ``question`` whose ``target`` is the clause's chunk id, so retrieval can match
question to question and credit the clause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from knowledge.county import county_cache
from knowledge.errors import ConfigError
from knowledge.types import Chunk

BANK_DOC_ID = "builtin:bank"


@dataclass(frozen=True)
class BankEntry:
    """One answer and the ways of asking for it, resolved to the clause it rests on."""

    id: str
    target: str  # chunk id of the clause
    answer: str
    questions: tuple[str, ...]
    anchor: str = ""  # plan entries: the phrase of the sentence to quote
    status: str = "V"


def _broken(entry_id: str, problem: str) -> ConfigError:
    return ConfigError(f"问答库条目 {entry_id} 有误：{problem}。", detail=f"bank entry {entry_id}: {problem}")


def plan_paragraph(chunks: Sequence[Chunk], section: str, anchor: str) -> Chunk | None:
    """The plan paragraph of ``section`` whose text holds ``anchor`` (None if none or several)."""
    found = [c for c in chunks if c.section == section and anchor in c.text]
    return found[0] if len(found) == 1 else None


def parse_bank(text: str, clauses: Sequence[Chunk]) -> list[BankEntry]:
    """Parse and validate bank YAML against the clauses it cites; raises ConfigError naming the entry."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("问答库文件格式有误，请联系管理员。", detail=f"question_bank.yaml: {exc}") from exc
    if not isinstance(raw, list):
        raise ConfigError("问答库文件格式有误，请联系管理员。", detail="question_bank.yaml: not a list")
    plan = [c for c in clauses if c.metadata.get("kind") == "plan"]
    rules = {c.metadata.get("entry_id"): c for c in clauses if c.metadata.get("kind") == "regulation"}
    entries, seen = [], set()
    for position, item in enumerate(raw, start=1):
        if not plan and isinstance(item, dict) and "plan" in item:
            continue  # a county data set without a built-in plan: entries quoting that plan do not apply
        entry = _entry(item, position, plan, rules)
        if entry.id in seen:
            raise _broken(entry.id, "id 重复")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def _entry(item: Any, position: int, plan: list[Chunk], rules: dict[Any, Chunk]) -> BankEntry:
    entry_id = str(item.get("id") or f"第{position}条") if isinstance(item, dict) else f"第{position}条"
    if not isinstance(item, dict):
        raise _broken(entry_id, "不是键值结构")
    answer = " ".join(str(item.get("answer") or "").split())
    questions = [str(q).strip() for q in item.get("questions") or [] if str(q).strip()]
    if not answer or not questions:
        raise _broken(entry_id, "缺少 answer 或 questions")
    if item.get("rule"):
        chunk = rules.get(str(item["rule"]))
        if chunk is None:
            raise _broken(entry_id, f"法规摘要中没有规则 {item['rule']}")
        return BankEntry(entry_id, chunk.id, answer, tuple(questions), status=chunk.metadata.get("status", "V"))
    section, anchor = str(item.get("plan") or ""), str(item.get("anchor") or "")
    chunk = plan_paragraph(plan, section, anchor) if "plan" in item and anchor else None
    if chunk is None:
        raise _broken(entry_id, f"方案{section or '（未写章节）'}中找不到唯一含“{anchor}”的段落")
    return BankEntry(entry_id, chunk.id, answer, tuple(questions), anchor=anchor)


def bank_text() -> str:
    return resources.files("knowledge").joinpath("sources", "question_bank.yaml").read_text(encoding="utf-8")


@county_cache
def _packaged() -> tuple[BankEntry, ...]:
    from knowledge.corpus import builtin_clauses

    return tuple(parse_bank(bank_text(), builtin_clauses()))


def load_bank() -> list[BankEntry]:
    """The packaged bank, validated against the built-in plan and digest (cached)."""
    return list(_packaged())


def to_chunks(entry: BankEntry) -> list[Chunk]:
    """One chunk per question; the answer, anchor and target ride in the metadata."""
    meta = {"kind": "question", "target": entry.target, "answer": entry.answer, "anchor": entry.anchor,
            "status": entry.status, "entry_id": entry.id}
    return [
        Chunk(id=f"{BANK_DOC_ID}:{entry.id}:{n}", doc_id=BANK_DOC_ID, title="问答库", section=entry.id,
              text=question, metadata=dict(meta))
        for n, question in enumerate(entry.questions)
    ]


def bank_chunks() -> list[Chunk]:
    return [chunk for entry in load_bank() for chunk in to_chunks(entry)]


def is_question(chunk: Chunk) -> bool:
    return chunk.metadata.get("kind") == "question"
