"""Approved answers (问答对 written by an administrator) and how a question finds one.

An approved entry is a bank entry that lives in the database instead of the package: its questions,
one answer, and the clause it cites. It is matched question to question with the bank's own rule
(token F1 of the two questions, or the cosine of their vectors, against ``sources/approved.yaml``), and
a match answers before retrieval: an administrator's answer takes precedence.
Pure: entries and an optional embedder in, the best match out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from knowledge.tokenizer import Tokenizer


@dataclass(frozen=True)
class Approved:
    """One approved answer; ``target`` is the chunk id of the clause it cites."""

    id: str
    questions: tuple[str, ...]
    answer: str
    target: str
    title: str
    section: str
    anchor: str = ""


@dataclass(frozen=True)
class Match:
    entry: Approved
    question: str  # the entry's question that matched
    overlap: float  # token F1
    cosine: float


@cache
def thresholds(embedder_name: str = "") -> tuple[float, float]:
    """(min token F1, min cosine) for this embedder (``sources/approved.yaml``)."""
    data = yaml.safe_load(resources.files("knowledge").joinpath("sources", "approved.yaml").read_text(encoding="utf-8"))
    dense = (data.get("dense_scales") or {}).get(embedder_name, data["dense"])
    return float(data["overlap"]), float(dense)


def token_f1(asked: set[str], other: set[str]) -> float:
    """The bank's closeness of two questions: F1 of their shared tokens (0–1)."""
    if not asked or not other:
        return 0.0
    return 2 * len(asked & other) / (len(asked) + len(other))


class ApprovedMatcher:
    """The approved entries, tokenised (and embedded, with an embedder) once; ``best`` per question."""

    def __init__(self, entries: Sequence[Approved], tokenizer: Tokenizer, *, min_overlap: float,
                 min_cosine: float, embedder: Any = None) -> None:
        self.entries = list(entries)
        self.tokenizer = tokenizer
        self.min_overlap, self.min_cosine = min_overlap, min_cosine
        self._pairs = [(e, q) for e in self.entries for q in e.questions]
        self._tokens = [set(tokenizer.tokens(q)) for _, q in self._pairs]
        self.embedder: Any = embedder if self._pairs else None
        self._vectors = embedder.embed_documents([q for _, q in self._pairs]) if self.embedder is not None else []

    def best(self, question: str) -> Match | None:
        """The closest approved question if it is close enough to answer, else None."""
        if not self._pairs or not question.strip():
            return None
        asked = set(self.tokenizer.tokens(question))
        overlaps = [token_f1(asked, t) for t in self._tokens]
        cosines = self._cosines(question) if self.embedder is not None else [0.0] * len(self._pairs)
        close = [i for i in range(len(self._pairs))
                 if overlaps[i] >= self.min_overlap or (cosines[i] > 0 and cosines[i] >= self.min_cosine)]
        if not close:
            return None
        i = max(close, key=lambda n: (overlaps[n] >= self.min_overlap, overlaps[n] + cosines[n]))
        entry, matched = self._pairs[i]
        return Match(entry, matched, round(overlaps[i], 4), round(cosines[i], 4))

    def _cosines(self, question: str) -> list[float]:
        query = self.embedder.embed_query(question)
        qn = sum(x * x for x in query) ** 0.5 or 1.0
        out = []
        for vec in self._vectors:
            vn = sum(x * x for x in vec) ** 0.5 or 1.0
            out.append(sum(a * b for a, b in zip(query, vec, strict=False)) / (qn * vn))
        return out
