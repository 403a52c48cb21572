"""What a document is: its kind and status codes (stable ASCII, stored) with their Chinese labels (shown),
and the guesses made at ingest from the title and the text (kind, year, 文号, issuing body).

Pure functions over strings; the words that decide a kind live in ``sources/doc_kinds.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from knowledge.yaml_data import safe_load

CURRENT, SUPERSEDED, WITHDRAWN = "current", "superseded", "withdrawn"


@cache
def _data() -> dict[str, Any]:
    text = resources.files("knowledge").joinpath("sources", "doc_kinds.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = safe_load(text)
    return data


def kinds() -> dict[str, str]:
    """Kind code -> Chinese label (plan → 工作方案 …), in display order."""
    return {str(k): str(v["label"]) for k, v in _data()["kinds"].items()}


def statuses() -> dict[str, str]:
    return {str(k): str(v) for k, v in _data()["statuses"].items()}


def kind_label(code: str) -> str:
    return kinds().get(code, code)


def status_label(code: str) -> str:
    return statuses().get(code, code)


@dataclass(frozen=True)
class Guess:
    kind: str
    year: int | None
    doc_number: str
    issuer: str


_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔［\[【(（]\s*((?:19|20)\d\d)\s*[〕］\]】)）]\s*\d{1,4}\s*号")


def guess_kind(title: str) -> str:
    """The kind a title names (工作方案 → plan, 条例/办法 → regulation, 镇/局 …制度 → local_rule), else other."""
    for code, spec in _data()["kinds"].items():
        if any(re.search(pattern, title) for pattern in spec.get("title_patterns") or ()):
            return str(code)
    return "other"


def guess_doc_number(text: str) -> str:
    """The first 文号 (洱政办发〔2021〕12号) in the first lines of the text, or ""."""
    head = "\n".join(text.strip().splitlines()[:12])
    match = _DOC_NUMBER.search(head)
    return re.sub(r"\s+", "", match.group(0)) if match else ""


def guess_year(title: str, doc_number: str = "") -> int | None:
    """The year a title names (某某县2021年…方案), else the year of its 文号."""
    match = _YEAR.search(title)
    if match:
        return int(match.group(1))
    numbered = _DOC_NUMBER.search(doc_number)
    return int(numbered.group(1)) if numbered else None


def guess_issuer(title: str) -> str:
    """The body a title starts with (XX镇人民政府, 县档案馆 …): the words before the first body ending."""
    title = re.sub(r"^(?:关于印发|关于)", "", title)
    title = _YEAR.sub("", title, count=1)
    ends = [at + len(e) for e in _data()["issuer_endings"] if 2 <= (at := title.find(e)) <= 16]
    return title[: min(ends)] if ends else ""


def guess(title: str, text: str) -> Guess:
    doc_number = guess_doc_number(text)
    return Guess(kind=guess_kind(title), year=guess_year(title, doc_number), doc_number=doc_number,
                 issuer=guess_issuer(title))
