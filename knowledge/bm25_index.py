"""BM25 over the chunk texts, kept as term counts in segments so that an ingest adds a segment.

Scores are computed at query time from term counts (Lucene's BM25, as bm25s computes it: the same
idf and term-frequency formula, k1=1.2, b=0.75), with the corpus statistics (document count, average
length, document frequencies) taken over the live rows only. An index that gained a segment and lost
rows therefore scores exactly like one built afresh from the same chunks, without re-tokenising or
re-scoring the old ones: adding a file costs its own chunks, removing one costs nothing.

A segment is immutable (its arrays are shared by every index that holds it); an index is a list of
segments plus the position of each of their rows (-1: removed), and the next index is assembled from
the same segments plus a new one, so a serving retriever keeps its index while the next one is built.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

K1, B = 1.2, 0.75
_SLICE = 1 << 18
EMPTY = ""  # a row without tokens counts one empty token, as bm25s does (its length is 1, never 0)


@dataclass(frozen=True)
class Segment:
    """Term counts of some rows, by term: row ``docs[indptr[t]:indptr[t+1]]`` holds ``tfs`` of term ``vocab[t]``."""

    keys: tuple[str, ...]  # one per row: chunk id + hash of the text it was tokenised from
    vocab: tuple[str, ...]  # sorted
    indptr: np.ndarray  # int64, len(vocab) + 1
    docs: np.ndarray  # int32 row numbers
    tfs: np.ndarray  # float32 counts
    lengths: np.ndarray  # float64 token count per row

    @classmethod
    def build(cls, keys: Sequence[str], tokens: Sequence[Sequence[str]]) -> Segment:
        counts = [Counter(t) if t else Counter({EMPTY: 1}) for t in tokens]
        vocab = tuple(sorted({term for c in counts for term in c}))
        term_id = {term: i for i, term in enumerate(vocab)}
        terms = np.fromiter((term_id[t] for c in counts for t in c), dtype=np.int64)
        rows = np.fromiter((r for r, c in enumerate(counts) for _ in c), dtype=np.int32, count=len(terms))
        tfs = np.fromiter((n for c in counts for n in c.values()), dtype=np.float32, count=len(terms))
        order = np.argsort(terms, kind="stable")
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        return cls(tuple(keys), vocab, indptr, rows[order], tfs[order], lengths)

    @cached_property
    def term_ids(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocab)}

    def row_terms(self) -> list[set[str]]:
        """Each row's distinct terms (used for the small question bank's overlap check)."""
        out: list[set[str]] = [set() for _ in self.keys]
        for t, term in enumerate(self.vocab):
            if term != EMPTY:
                for row in self.docs[self.indptr[t]:self.indptr[t + 1]]:
                    out[int(row)].add(term)
        return out


@dataclass(frozen=True)
class _Scoring:
    """A segment's per-posting term-frequency part under this index's average length, and how its rows map."""

    tfc: np.ndarray  # float32, aligned with the segment's postings
    positions: np.ndarray | None  # row -> position; None when row i is position i
    live: np.ndarray | None  # row still in the corpus; None when all are


@dataclass
class Bm25Index:
    """Scores every row for a tokenised query; rows are numbered in ``order`` (the retriever's chunk order)."""

    segments: tuple[Segment, ...] = ()
    # per segment: the position in the caller's order of each row, -1 for a row no longer in the corpus
    positions: tuple[np.ndarray, ...] = ()
    size: int = 0
    _ready: tuple[int, list[_Scoring]] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_tokens(cls, corpus_tokens: Sequence[list[str]]) -> Bm25Index:
        """An index over these token lists, row i at position i (keys are the positions)."""
        segment = Segment.build([str(i) for i in range(len(corpus_tokens))], corpus_tokens)
        return cls.assemble([segment], [str(i) for i in range(len(corpus_tokens))])

    @classmethod
    def assemble(cls, segments: Sequence[Segment], order: Sequence[str]) -> Bm25Index:
        """The index over the rows whose keys are in ``order``, numbered as there; other rows are dead."""
        where = {key: n for n, key in enumerate(order)}
        positions = tuple(np.array([where.get(k, -1) for k in s.keys], dtype=np.int64) for s in segments)
        # a key in two segments (the same chunk ingested twice) counts once: the newest segment keeps it
        # (array work: a loop over 31k rows held the GIL for ~10 ms of a rebuild while questions waited)
        taken = np.zeros(len(order), dtype=bool)
        for pos in reversed(positions):
            live = np.flatnonzero(pos >= 0)
            at = pos[live]
            keep = np.zeros(len(at), dtype=bool)
            keep[np.unique(at, return_index=True)[1]] = True  # the first row of a key twice in one segment
            keep &= ~taken[at]
            pos[live[~keep]] = -1
            taken[at] = True
        return cls(tuple(segments), positions, len(order))

    @property
    def live_rows(self) -> int:
        return int(sum((p >= 0).sum() for p in self.positions))

    def has_term(self, term: str) -> bool:
        """Some row (possibly one removed since) has the term."""
        return any(term in s.term_ids for s in self.segments)

    def rows_with(self, terms: Sequence[str]) -> np.ndarray:
        """Positions of the live rows that have every one of ``terms`` (sorted). Intersected as masks over the
        positions: a common term's postings (every row, at 31k rows) are neither sorted nor made unique."""
        out: np.ndarray | None = None
        for term in dict.fromkeys(terms):
            hit = np.zeros(self.size, dtype=bool)
            for segment, pos in zip(self.segments, self.positions, strict=True):
                i = segment.term_ids.get(term)
                if i is not None:
                    where = pos[segment.docs[segment.indptr[i]:segment.indptr[i + 1]]]
                    hit[where[where >= 0]] = True
            out = hit if out is None else out & hit
            if not out.any():
                break
        return np.arange(self.size) if out is None else np.flatnonzero(out)

    def keys(self) -> set[str]:
        """Keys of the live rows."""
        return {k for s, pos in zip(self.segments, self.positions, strict=True)
                for k, p in zip(s.keys, pos, strict=True) if p >= 0}

    def row_terms(self) -> list[set[str]]:
        """The distinct terms of each row in order (a dead or unknown position gets an empty set)."""
        out: list[set[str]] = [set() for _ in range(self.size)]
        for segment, pos in zip(self.segments, self.positions, strict=True):
            for terms, p in zip(segment.row_terms(), pos, strict=True):
                if p >= 0:
                    out[int(p)] = terms
        return out

    def merged(self) -> Segment:
        """One segment holding the live rows of all segments (array work, no tokenising)."""
        vocab = sorted({t for s in self.segments for t in s.vocab})
        term_id = {t: i for i, t in enumerate(vocab)}
        keys: list[str] = []
        terms, rows, tfs, lengths = [], [], [], []
        for segment, pos in zip(self.segments, self.positions, strict=True):
            live = pos >= 0
            renumber = np.cumsum(live) - 1 + len(keys)
            local = np.fromiter((term_id[t] for t in segment.vocab), dtype=np.int64, count=len(segment.vocab))
            keep = live[segment.docs]
            terms.append(np.repeat(local, np.diff(segment.indptr))[keep])
            rows.append(renumber[segment.docs[keep]].astype(np.int32))
            tfs.append(segment.tfs[keep])
            lengths.append(segment.lengths[live])
            keys.extend(k for k, alive in zip(segment.keys, live, strict=True) if alive)
        all_terms = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64)
        used, all_terms = np.unique(all_terms, return_inverse=True)  # drop terms only removed rows had
        order = np.argsort(all_terms, kind="stable")
        indptr = np.zeros(len(used) + 1, dtype=np.int64)
        np.cumsum(np.bincount(all_terms, minlength=len(used)), out=indptr[1:])
        return Segment(tuple(keys), tuple(vocab[i] for i in used), indptr,
                       np.concatenate(rows)[order] if rows else np.zeros(0, dtype=np.int32),
                       np.concatenate(tfs)[order] if tfs else np.zeros(0, dtype=np.float32),
                       np.concatenate(lengths) if lengths else np.zeros(0))

    def prepare(self, pause: Callable[[], None] | None = None) -> None:
        """Compute what queries need now; ``pause`` is called between slices (a background build gives way)."""
        self._prepared(pause)

    def _prepared(self, pause: Callable[[], None] | None = None) -> tuple[int, list[_Scoring]]:
        """Live row count and, per segment, what a query needs (computed once per index, on first use)."""
        if self._ready is None:
            live_rows = self.live_rows
            total = sum(float(s.lengths[p >= 0].sum()) for s, p in zip(self.segments, self.positions, strict=True))
            avg = total / max(1, live_rows)
            ready = []
            for segment, pos in zip(self.segments, self.positions, strict=True):
                live = pos >= 0
                norm = K1 * ((1 - B) + B * segment.lengths / avg)
                tfc = np.empty(len(segment.tfs), dtype=np.float32)
                for start in range(0, len(tfc), _SLICE):  # in slices: questions answered meanwhile get the GIL
                    if pause is not None:
                        pause()
                    tfs, docs = segment.tfs[start:start + _SLICE], segment.docs[start:start + _SLICE]
                    tfc[start:start + _SLICE] = tfs / (tfs + norm[docs])
                identity = bool(live.all()) and np.array_equal(pos, np.arange(len(pos)))
                ready.append(_Scoring(tfc, None if identity else pos, None if live.all() else live))
            self._ready = (live_rows, ready)
        return self._ready

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every row in order (0 where no query token occurs)."""
        out = np.zeros(self.size, dtype=np.float32)
        n, prepared = self._prepared()
        if not n:
            return out
        for term in dict.fromkeys(t for t in query_tokens if t):
            found = []
            df = 0
            for segment, ready in zip(self.segments, prepared, strict=True):
                i = segment.term_ids.get(term)
                if i is None:
                    continue
                start, end = int(segment.indptr[i]), int(segment.indptr[i + 1])
                rows, tfc = segment.docs[start:end], ready.tfc[start:end]
                if ready.live is not None:
                    keep = ready.live[rows]
                    rows, tfc = rows[keep], tfc[keep]
                found.append((rows if ready.positions is None else ready.positions[rows], tfc))
                df += len(rows)
            if df:
                idf = np.float32(np.log(1 + (n - df + 0.5) / (df + 0.5)))
                for where, tfc in found:
                    out[where] += idf * tfc
        return out

    def top(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """The k best row positions with their scores, best first, zero scores left out."""
        scores = self.scores(query_tokens)
        if 0 < k < len(scores):
            # only rows at or above the k-th best score can be in the top k: sort those, not the corpus
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            rows = np.flatnonzero(scores >= max(kth, np.float32(1e-30)))
        else:
            rows = np.flatnonzero(scores > 0)
        order = rows[np.argsort(-scores[rows], kind="stable")][:k]  # ties stay in position order
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
