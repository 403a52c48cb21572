"""The vectors a process searches: an in-memory copy of its Chroma collection, saved in the data directory.

Chroma stays the store (vectors are added and removed there, and a Chroma server shares them between
replicas), but a question is answered from this copy: exact cosine over a float32 matrix (``M @ q``).
Importing chromadb and opening its client costs ~1.5 s CPU, most of a cold ``gongkai ask``; a start whose
chunks are exactly those of the saved copy never touches Chroma. The copy is keyed by ``vector_key``
(chunk id + text), so it is valid for exactly those chunks whatever happened to Chroma meanwhile.

For the small collections here Chroma's HNSW search is exact too (measured: the same order as this one
over all 719 built-in chunks for 223 dev questions, apart from ties within 1e-6 of cosine).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
_FORMAT = 1  # bump when the saved layout changes


@dataclass(frozen=True)
class Rows:
    """Vectors by ``vector_key``, the chunk id of each, and the unit-length float32 matrix searched."""

    keys: tuple[str, ...]
    chunk_ids: tuple[str, ...]
    vectors: np.ndarray  # as stored (float32), one row per key
    unit: np.ndarray = field(repr=False)  # rows scaled to length 1 (Chroma's cosine space does the same)
    _row_of: dict[str, int] = field(default_factory=dict, repr=False)
    _among: dict[int, tuple[Sequence[str], np.ndarray]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, keys: Sequence[str], chunk_ids: Sequence[str], vectors: np.ndarray) -> Rows:
        vectors = np.asarray(vectors, dtype=np.float32)
        vectors = vectors.reshape(len(keys), -1) if len(keys) else np.zeros((0, 0), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = vectors / np.where(norms > 0, norms, 1.0).astype(np.float32)
        return cls(tuple(keys), tuple(chunk_ids), vectors, unit, {c: i for i, c in enumerate(chunk_ids)})

    def changed(self, drop: set[str], keys: Sequence[str], chunk_ids: Sequence[str],
                vectors: Mapping[str, np.ndarray]) -> Rows:
        """These rows without the ``drop`` keys, then ``keys`` (with their chunk ids and vectors) appended."""
        kept = [i for i, k in enumerate(self.keys) if k not in drop]
        new = [vectors[k] for k in keys]
        parts = [self.vectors[kept]] if kept else []
        matrix = np.concatenate([*parts, np.stack(new)]) if new else (parts[0] if parts else np.zeros((0, 0)))
        return Rows.of([self.keys[i] for i in kept] + list(keys), [self.chunk_ids[i] for i in kept] + list(chunk_ids),
                       matrix)

    def by_key(self) -> Mapping[str, np.ndarray]:
        return dict(zip(self.keys, self.vectors, strict=True))

    def nearest(self, vector: Sequence[float], k: int, among: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k rows nearest to ``vector``, best first (ties: stored order);
        with ``among``, only rows of those chunk ids."""
        if k <= 0 or not self.keys:
            return []
        query = np.asarray(vector, dtype=np.float32)
        length = float(np.linalg.norm(query))
        if length > 0:
            query = query / np.float32(length)
        rows = None if among is None else self._rows_among(among)
        sims = (self.unit if rows is None else self.unit[rows]) @ query
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        top = top[np.lexsort((top, -sims[top]))]
        positions = top if rows is None else rows[top]
        return [(self.chunk_ids[p], float(s)) for p, s in zip(positions.tolist(), sims[top].tolist(), strict=True)]

    def _rows_among(self, among: Sequence[str]) -> np.ndarray:
        # the retriever passes the same list of bank question ids every time: map it to rows once
        cached = self._among.get(id(among))
        if cached is not None and cached[0] is among:
            return cached[1]
        rows = np.array(sorted({self._row_of[c] for c in among if c in self._row_of}), dtype=np.intp)
        if len(self._among) >= 8:
            self._among.clear()
        self._among[id(among)] = (among, rows)
        return rows


def load(path: Path | None) -> Rows | None:
    """The saved copy, or None when there is none or it cannot be read (then Chroma is asked)."""
    if path is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != _FORMAT:
                return None
            keys, chunk_ids, vectors = data["keys"].tolist(), data["chunk_ids"].tolist(), data["vectors"]
        return Rows.of(keys, chunk_ids, vectors)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("vector copy unreadable (%s): reading Chroma", type(exc).__name__)
        return None


def save(path: Path | None, rows: Rows) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(partial, format=np.array(_FORMAT), keys=np.array(rows.keys, dtype=str),
                 chunk_ids=np.array(rows.chunk_ids, dtype=str), vectors=rows.vectors)
        partial.replace(path)
    except OSError as exc:  # the next start reads Chroma instead
        log.warning("vector copy not saved: %s", type(exc).__name__)
