"""Plain data passed between the index, the retriever and the answer composer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REGULATION_TITLE = "政府信息公开条例"
REGULATION_YEAR = 2019  # the 条例 as revised by 国务院令第711号 (2019-04-03)


def __getattr__(name: str) -> Any:
    """``PLAN_TITLE``: the title of the county data set's built-in plan (from its data, not from code)."""
    if name == "PLAN_TITLE":
        from knowledge.corpus import plan_title

        return plan_title()
    raise AttributeError(name)


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a document, with the section it came from.

    ``title`` is the document's title without 《》, ``section`` a human label such as ``五(三)`` or
    ``第三十三条``; ``metadata`` holds strings only (Chroma's rule): ``kind`` (plan / regulation /
    ingested), ``status`` (V / P / UNVERIFIED for digest rules), ``keywords`` …
    """

    id: str
    doc_id: str
    title: str
    section: str
    text: str
    section_path: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """A cited clause as the machine interface shows it."""

    title: str
    section: str
    text: str
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"title": self.title, "section": self.section, "text": self.text, "score": self.score}


@dataclass(frozen=True)
class Hit:
    """A retrieval result: the chunk and its fused score (higher is better).

    ``question`` is the question-bank question (a chunk of kind ``question``) that credited this clause,
    when one did; its metadata holds the entry's direct answer.
    """

    chunk: Chunk
    score: float
    bm25_score: float = 0.0
    dense_score: float = 0.0
    question: Chunk | None = None
