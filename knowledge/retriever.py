"""Hybrid retrieval: BM25 and dense vectors fused by reciprocal rank, behind a relevance gate.

``HybridRetriever.search(query, k) -> list[Hit]`` is what the engine calls; ``as_langchain()`` wraps
the same object as a LangChain ``BaseRetriever`` returning ``Document``s with the chunk's metadata.
The relevance gate (knowledge/sources/retrieval.yaml) returns no hits for a question the corpus
does not cover, so the answer says "not found" instead of quoting an unrelated clause.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from knowledge.bm25_index import Bm25Index
from knowledge.tokenizer import Tokenizer, anchors, expand_query
from knowledge.types import Chunk, Hit
from knowledge.vector_store import VectorStore

log = logging.getLogger(__name__)
Mode = Literal["hybrid", "bm25", "dense"]


@dataclass(frozen=True)
class Relevance:
    min_coverage: float
    min_bm25: float
    min_dense: float
    focus_without_anchor: float
    bm25_without_anchor: float
    dense_without_anchor: float
    foreign_place_suffixes: tuple[str, ...]
    foreign_place_min_len: int
    foreign_county_pattern: str
    other_procedures: tuple[str, ...] = ()
    disclosure_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetrievalConfig:
    rrf_k: int
    candidates: int
    bm25_weight: float
    dense_weight: float
    relevance: Relevance


@cache
def load_config() -> RetrievalConfig:
    text = resources.files("knowledge").joinpath("sources", "retrieval.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    rel = data["relevance"]
    for key in ("foreign_place_suffixes", "other_procedures", "disclosure_words"):
        rel[key] = tuple(rel.get(key) or ())
    return RetrievalConfig(
        rrf_k=int(data["rrf_k"]),
        candidates=int(data["candidates"]),
        bm25_weight=float(data["bm25_weight"]),
        dense_weight=float(data["dense_weight"]),
        relevance=Relevance(**rel),
    )


@dataclass(frozen=True)
class Signals:
    """What the relevance gate looks at for one question (also reported by the calibration benchmark)."""

    coverage: float
    focus: float
    bm25_top: float
    dense_top: float
    foreign_place: str | None
    anchored: bool
    other_procedure: str | None = None


class HybridRetriever:
    """Search over a fixed list of chunks. Build with ``knowledge.retrieval_builder.build``."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        tokenizer: Tokenizer,
        *,
        vectors: VectorStore | None = None,
        mode: Mode = "hybrid",
        config: RetrievalConfig | None = None,
        known_places: frozenset[str] = frozenset(),
    ) -> None:
        self.chunks = list(chunks)
        self.tokenizer = tokenizer
        self.vectors = vectors
        self.mode: Mode = mode if vectors is not None else "bm25"
        self.config = config or load_config()
        self._texts = [_index_text(c).lower() for c in self.chunks]
        self._corpus_text = "\n".join(self._texts)
        self.known_places = known_places
        self.bm25 = Bm25Index([tokenizer.tokens(_index_text(c)) for c in self.chunks])
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self.generation: str | None = None  # the chunk store's generation this index was built from

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best chunks for the question, or [] when the corpus does not cover it."""
        if not query.strip() or not self.chunks:
            return []
        bm25_ranked, dense_ranked = self._rank(query)
        signals = self._signals(query, bm25_ranked, dense_ranked)
        if not self.is_relevant(signals):
            log.info("no relevant chunk: coverage=%.2f bm25=%.2f dense=%.2f", signals.coverage,
                     signals.bm25_top, signals.dense_top)
            return []
        return self._fuse(bm25_ranked, dense_ranked)[:k]

    def signals(self, query: str) -> Signals:
        bm25_ranked, dense_ranked = self._rank(query)
        return self._signals(query, bm25_ranked, dense_ranked)

    def is_relevant(self, s: Signals) -> bool:
        """The calibrated gate (knowledge/sources/retrieval.yaml explains each threshold)."""
        rel = self.config.relevance
        if s.foreign_place or s.other_procedure or s.coverage < rel.min_coverage:
            return False
        dense_only = self.mode == "dense"
        strength, floor, strict = (
            (s.dense_top, rel.min_dense, rel.dense_without_anchor) if dense_only
            else (s.bm25_top, rel.min_bm25, rel.bm25_without_anchor)
        )
        if strength < floor:
            return False
        return s.anchored or (s.focus >= rel.focus_without_anchor and strength >= strict)

    def _rank(self, query: str) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        n = self.config.candidates
        bm25_ranked: list[tuple[int, float]] = []
        dense_ranked: list[tuple[int, float]] = []
        if self.mode in ("hybrid", "bm25"):
            bm25_ranked = self.bm25.top(self.tokenizer.tokens(expand_query(query)), n)
        if self.mode in ("hybrid", "dense") and self.vectors is not None:
            dense_ranked = [(self._by_id[cid], sim) for cid, sim in self.vectors.search(query, n) if cid in self._by_id]
        return bm25_ranked, dense_ranked

    def _signals(self, query: str, bm25_ranked: list[tuple[int, float]], dense_ranked: list[tuple[int, float]]) -> Signals:
        words = self.tokenizer.content_words(query)
        coverage = sum(self._covered(w, self._corpus_text) for w in words) / len(words) if words else 0.0
        top_texts = [self._texts[i] for i, _ in bm25_ranked[:3]] + [self._texts[i] for i, _ in dense_ranked[:3]]
        focus = max((sum(self._covered(w, t) for w in words) / len(words) for t in top_texts), default=0.0) if words else 0.0
        return Signals(
            coverage=coverage,
            focus=focus,
            bm25_top=bm25_ranked[0][1] if bm25_ranked else 0.0,
            dense_top=dense_ranked[0][1] if dense_ranked else 0.0,
            foreign_place=self._foreign_place(query, words),
            anchored=any(a in query for a in anchors()),
            other_procedure=self._other_procedure(query),
        )

    @staticmethod
    def _covered(word: str, text: str) -> bool:
        """The text mentions the word or one of its synonyms."""
        if word in text:
            return True
        from knowledge.synonyms import expand

        return any(term.lower() in text for term in expand(word))

    def _other_procedure(self, query: str) -> str | None:
        """A procedure with its own rules (信访, 政府采购 …) asked about without asking what to disclose."""
        rel = self.config.relevance
        if any(w in query for w in rel.disclosure_words):
            return None
        return next((p for p in rel.other_procedures if p in query), None)

    def _foreign_place(self, query: str, words: list[str]) -> str | None:
        """A county, city or province the corpus never mentions: the question is about someone else's rules."""
        rel = self.config.relevance
        counties = [m.group(1) for m in re.finditer(rel.foreign_county_pattern, query)]
        for word in [*words, *counties]:
            place = len(word) >= rel.foreign_place_min_len and word.endswith(rel.foreign_place_suffixes)
            if place and word not in self.known_places and word not in self._corpus_text:
                return word
        return None

    def _fuse(self, bm25_ranked: list[tuple[int, float]], dense_ranked: list[tuple[int, float]]) -> list[Hit]:
        rrf_k = self.config.rrf_k
        fused: dict[int, float] = {}
        weights = (self.config.bm25_weight, self.config.dense_weight)
        for ranked, weight in zip((bm25_ranked, dense_ranked), weights, strict=True):
            for rank, (i, _score) in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + weight / (rrf_k + rank + 1)
        bm25 = dict(bm25_ranked)
        dense = dict(dense_ranked)
        order = sorted(fused, key=lambda i: (-fused[i], -bm25.get(i, 0.0)))
        return [
            Hit(chunk=self.chunks[i], score=round(fused[i], 6), bm25_score=bm25.get(i, 0.0), dense_score=dense.get(i, 0.0))
            for i in order
        ]

    def as_langchain(self, k: int = 5) -> Any:
        """This retriever as a LangChain ``BaseRetriever`` (imported lazily: LangChain is slow to import)."""
        from knowledge.lc_retriever import GongkaiRetriever

        return GongkaiRetriever(engine=self, k=k)


def _index_text(chunk: Chunk) -> str:
    """What BM25 sees: the headings and keywords give a short paragraph its topic words."""
    heading = chunk.metadata.get("heading") or ""
    extra = [chunk.metadata.get(k) or "" for k in ("topic", "keywords")]
    return "\n".join(x for x in (chunk.title, heading, chunk.text, *extra) if x)
