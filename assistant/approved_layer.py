"""The approved answers in the database, kept current in every process, answering before retrieval.

Each process (the web server, every heavy-pool worker, the WeCom worker) holds one ``ApprovedLayer``.
Before a knowledge question it reads the table's generation (count, highest id, latest update: one
aggregate query); when that or the index changed, it reloads the entries and resolves each citation
against the clauses in the index. An entry whose clause is gone (its document removed) stays silent.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from assistant.turn import Reply
from knowledge.approved import Approved, ApprovedMatcher, Match, thresholds
from knowledge.types import Chunk, Source

log = logging.getLogger(__name__)
QUOTE_CHARS = 300
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def find_clause(chunks: list[Chunk], *, chunk_id: str = "", title: str = "", section: str = "",
                anchor: str = "") -> Chunk | None:
    """The cited clause: by chunk id, else the one clause of ``title``/``section`` (holding ``anchor``)."""
    clauses = [c for c in chunks if c.metadata.get("kind") != "question"]
    by_id = next((c for c in clauses if chunk_id and c.id == chunk_id), None)
    if by_id is not None:
        return by_id
    found = [c for c in clauses if c.title == title and c.section == section and (not anchor or anchor in c.text)]
    return found[0] if len(found) == 1 else None


def quote_of(clause: Chunk, anchor: str) -> str:
    """The sentence holding the anchor, else the clause (shortened)."""
    if anchor:
        sentence = next((s for s in _SENTENCE_END.split(clause.text) if anchor in s), "")
        if sentence.strip():
            return sentence.strip()
    text = " ".join(clause.text.split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"


def label(clause: Chunk) -> str:
    return f"《{clause.title}》{clause.section}" if clause.section else f"《{clause.title}》"


def approved_reply(match: Match, clause: Chunk) -> Reply:
    """The approved answer, the cited sentence and 依据, like a bank-led answer."""
    entry = match.entry
    text = f"{entry.answer}\n{quote_of(clause, entry.anchor)}〔{label(clause)}〕\n\n依据：\n1. {label(clause)}"
    data = {"decision": "answer", "verdict": "answer", "bank": entry.id, "approved": entry.id,
            "matched": {"overlap": match.overlap, "cosine": match.cosine},
            "retrieved": [{"title": clause.title, "section": clause.section, "score": 1.0}]}
    return Reply(text=text, sources=[Source(clause.title, clause.section, clause.text, 1.0)], data=data)


class ApprovedLayer:
    """``reply(question)``: the approved answer for this question, or None. Thread-safe."""

    def __init__(self, db: Any, index: Callable[[], Any]) -> None:
        self.db = db
        self.index = index  # -> the opened HybridRetriever (its chunks and vectors)
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._built: tuple[ApprovedMatcher, dict[str, Chunk]] | None = None

    def reply(self, question: str) -> Reply | None:
        built = self._current()
        match = built[0].best(question) if built is not None else None
        if built is None or match is None:
            return None
        log.info("approved answer %s matched (overlap=%.2f cosine=%.2f)", match.entry.id, match.overlap, match.cosine)
        return approved_reply(match, built[1][match.entry.id])

    def invalidate(self) -> None:
        with self._lock:
            self._key = None

    def _current(self) -> tuple[ApprovedMatcher, dict[str, Chunk]] | None:
        from assistant.storage.loop import approved_generation

        with self.db.session() as s:
            generation = approved_generation(s)
        if generation[0] == 0:
            return None
        index = self.index()
        key = (generation, id(index), getattr(index, "generation", None))
        with self._lock:
            if key != self._key or self._built is None:
                self._built = self._build(index)
                self._key = key
            return self._built

    def _build(self, index: Any) -> tuple[ApprovedMatcher, dict[str, Chunk]]:
        from assistant.storage.loop import list_approved
        from knowledge.tokenizer import default_tokenizer

        with self.db.session() as s:
            rows = list_approved(s)
        catalog = getattr(index, "catalog", None)
        docs = getattr(catalog, "docs", None) or {}
        # a clause of a removed, superseded or withdrawn document no longer backs an answer
        chunks = [c for c in getattr(index, "chunks", []) if getattr(docs.get(c.doc_id), "status", "current") == "current"]
        entries, clauses = [], {}
        for row in rows:
            clause = find_clause(chunks, chunk_id=row.chunk_id, title=row.title, section=row.section, anchor=row.anchor)
            if clause is None:
                log.warning("approved answer %s: its clause is no longer in the index", row.entry_id)
                continue
            questions = tuple(q for q in row.questions.splitlines() if q.strip())
            entries.append(Approved(row.entry_id, questions, row.answer, clause.id, clause.title, clause.section,
                                    row.anchor))
            clauses[row.entry_id] = clause
        vectors = getattr(index, "vectors", None) if getattr(index, "mode", "bm25") != "bm25" else None
        overlap, dense = thresholds(vectors.name if vectors is not None else "")
        matcher = ApprovedMatcher(entries, default_tokenizer(), min_overlap=overlap, min_cosine=dense,
                                  embedder=vectors.embedder if vectors is not None else None)
        return matcher, clauses
