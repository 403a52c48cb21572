"""The regulations digest: the project's own one-or-two-sentence statements of the rules a county office uses.

The data lives in ``knowledge/sources/regulations.yaml``; every entry keeps the verification status of the
facts it rests on (V / P / UNVERIFIED / 推断). The user-facing text is the rule alone: research notes
("年报期限在第四十九条…", where a figure came from) stay in the chunk's metadata, and an answer quoting a
rule that is not [V] adds the one-line ``caution`` for its status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import ConfigError
from knowledge.types import Chunk

DIGEST_DOC_ID = "builtin:digest"
STATUSES = ("V", "P", "UNVERIFIED", "推断")
REQUIRED_FIELDS = ("id", "title", "article", "topic", "rule", "status", "basis")

# The caution an answer adds under a rule that is not [V]; the entry's research note is metadata only.
_CAUTIONS = {
    "P": "此条只核对了部分原文（或依据转载），仅供参考，对外答复前请对照官方原文。",
    "UNVERIFIED": "此条尚未对照原文核实，仅供参考，对外答复前请对照官方原文。",
    "推断": "此条是本助手依据条文作出的推断，原文没有这样的表述，仅供参考。",
}

_NUMERALS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class DigestEntry:
    """One rule of the digest, as written in regulations.yaml."""

    id: str
    title: str
    article: str
    article_no: int | None
    topic: str
    rule: str
    keywords: tuple[str, ...]
    status: str
    basis: str
    note: str = ""


def is_verified(entry: DigestEntry) -> bool:
    """True when the rule was checked against the original text ([V])."""
    return entry.status == "V"


def chinese_number(text: str) -> int:
    """Parse a Chinese numeral such as 三十三 or 一千零三十四 (as used in article labels)."""
    total, current = 0, 0
    for char in text:
        if char in _NUMERALS:
            current = _NUMERALS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            raise ValueError(char)
    return total + current


def article_numbers(entry: DigestEntry) -> list[int]:
    """The article numbers an entry's label names: 第三十三条 → [33], 第二十三条至第二十五条 → [23, 24, 25]."""
    numbers = [chinese_number(n) for n in re.findall(r"第([零一二三四五六七八九十百千]+)条", entry.article)]
    if "至" in entry.article and len(numbers) == 2:
        return list(range(numbers[0], numbers[1] + 1))
    return numbers


def entry_text(entry: DigestEntry) -> str:
    """The text a reader sees: the rule alone. The research note stays in metadata (``note``); an answer
    quoting a rule that is not [V] adds a one-line caution (``caution``)."""
    return entry.rule


def caution(status: str) -> str:
    """The one line a user reads under a rule that was not verified against the original text ('' for V)."""
    return _CAUTIONS.get(status, "")


@cache
def load_digest() -> list[DigestEntry]:
    """The packaged digest, validated (cached).

    Raises:
        ConfigError: a missing/unreadable file or a broken entry (the message names the entry's id).
    """
    source = resources.files("knowledge").joinpath("sources/regulations.yaml")
    return parse_digest(source.read_text(encoding="utf-8"))


def load_digest_file(path: Path) -> list[DigestEntry]:
    """A digest from another YAML file (used by tests and for local digests)."""
    return parse_digest(path.read_text(encoding="utf-8"))


def parse_digest(text: str) -> list[DigestEntry]:
    """Parse and validate digest YAML; raises ConfigError naming the first broken entry."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("法规摘要文件格式有误，请联系管理员。", detail=f"regulations.yaml: {exc}") from exc
    if not isinstance(raw, list) or not raw:
        raise ConfigError("法规摘要文件为空或格式有误，请联系管理员。", detail="regulations.yaml: not a list")
    entries: list[DigestEntry] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        entry = _entry(item, position)
        if entry.id in seen:
            raise _broken(entry.id, "id 重复")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def _broken(entry_id: str, problem: str) -> ConfigError:
    return ConfigError(
        f"法规摘要条目 {entry_id} 有误：{problem}。", detail=f"digest entry {entry_id}: {problem}"
    )


def _entry(item: Any, position: int) -> DigestEntry:
    """Validate one YAML mapping into a DigestEntry."""
    entry_id = str(item.get("id") or f"第{position}条目") if isinstance(item, dict) else f"第{position}条目"
    if not isinstance(item, dict):
        raise _broken(entry_id, "不是键值结构")
    for name in REQUIRED_FIELDS:
        if not str(item.get(name) or "").strip():
            raise _broken(entry_id, f"缺少 {name}")
    if item["status"] not in STATUSES:
        raise _broken(entry_id, f"status 只能是 {'/'.join(STATUSES)}")
    number = item.get("article_no")
    if number is not None and not isinstance(number, int):
        raise _broken(entry_id, "article_no 必须是整数或 null")
    keywords = item.get("keywords") or []
    if not isinstance(keywords, list):
        raise _broken(entry_id, "keywords 必须是列表")
    return DigestEntry(
        id=entry_id,
        title=str(item["title"]).strip("《》"),
        article=str(item["article"]),
        article_no=number,
        topic=str(item["topic"]),
        rule=" ".join(str(item["rule"]).split()),
        keywords=tuple(str(k) for k in keywords),
        status=str(item["status"]),
        basis=str(item["basis"]),
        note=str(item.get("note") or ""),
    )


def to_chunk(entry: DigestEntry) -> Chunk:
    """One retrievable chunk per rule, citing the entry's title and article label."""
    return Chunk(
        id=f"{DIGEST_DOC_ID}:{entry.id}",
        doc_id=DIGEST_DOC_ID,
        title=entry.title,
        section=entry.article,
        text=entry_text(entry),
        section_path=(entry.title, entry.article),
        metadata={
            "kind": "regulation",
            "status": entry.status,
            "keywords": " ".join(entry.keywords),
            "topic": entry.topic,
            "entry_id": entry.id,
            "basis": entry.basis,
            "note": entry.note,
        },
    )


def digest_chunks() -> list[Chunk]:
    """The digest as chunks for the index."""
    return [to_chunk(entry) for entry in load_digest()]
