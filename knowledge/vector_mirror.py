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
_FORMAT = 2  # bump when the saved layout changes (2: unit-length rows; 1: as stored, still read)


@dataclass(frozen=True)
class Rows:
    """Vectors by ``vector_key``, the chunk id of each, and the one matrix searched: the vectors scaled to
    length 1 (Chroma's cosine space does the same), float32, C-contiguous. Only this matrix is kept: at 31k
    chunks a second (as-stored) copy was 48 MB, and cosine search, Chroma's cosine space and the saved copy
    all give the same answers from unit vectors."""

    keys: tuple[str, ...]
    chunk_ids: tuple[str, ...]
    unit: np.ndarray = field(repr=False)
    _row_of: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, keys: Sequence[str], chunk_ids: Sequence[str], vectors: np.ndarray, *, owned: bool = False,
           unit: bool = False) -> Rows:
        """Rows over these vectors; with ``owned`` the caller hands over a float32 matrix nobody else holds,
        which is scaled in place (no second copy at any moment); ``unit``: the rows are unit length already
        (the saved copy), so they are kept bit for bit."""
        if not len(keys):
            return cls((), (), np.zeros((0, 0), dtype=np.float32), {})
        fresh = owned and isinstance(vectors, np.ndarray) and vectors.dtype == np.float32 \
            and vectors.flags.c_contiguous and vectors.flags.writeable
        matrix = (vectors if fresh else np.array(vectors, dtype=np.float32, order="C")).reshape(len(keys), -1)
        if not unit:
            _scale_to_unit(matrix)
        matrix.flags.writeable = False  # shared by every reader of this generation
        return cls(tuple(keys), tuple(chunk_ids), matrix, {c: i for i, c in enumerate(chunk_ids)})

    @property
    def vectors(self) -> np.ndarray:
        """The vectors as searched (unit length)."""
        return self.unit

    def changed(self, drop: set[str], keys: Sequence[str], chunk_ids: Sequence[str],
                vectors: Mapping[str, np.ndarray]) -> Rows:
        """These rows without the ``drop`` keys, then ``keys`` (with their chunk ids and vectors) appended."""
        kept = np.array([i for i, k in enumerate(self.keys) if k not in drop], dtype=np.intp)
        width = self.unit.shape[1] if len(self.keys) else (len(vectors[keys[0]]) if keys else 0)
        matrix = np.empty((len(kept) + len(keys), width), dtype=np.float32)  # the one new copy
        if len(kept):
            np.take(self.unit, kept, axis=0, out=matrix[: len(kept)])
        for n, k in enumerate(keys):
            matrix[len(kept) + n] = vectors[k]
        return Rows.of([self.keys[i] for i in kept.tolist()] + list(keys),
                       [self.chunk_ids[i] for i in kept.tolist()] + list(chunk_ids), matrix, owned=True)

    def by_key(self) -> Mapping[str, np.ndarray]:
        return dict(zip(self.keys, self.unit, strict=True))

    def similarities(self, vector: Sequence[float]) -> np.ndarray:
        """Cosine similarity of every row to ``vector``: one pass over the matrix. (einsum, not ``@``: BLAS's
        matrix-vector product starts its thread pool, which on this busy 2-core machine took 16 ms wall for
        31k rows against einsum's 6.6 ms, for the same memory-bound pass.)"""
        query = np.asarray(vector, dtype=np.float32)
        length = float(np.linalg.norm(query))
        if length > 0:
            query = query / np.float32(length)
        if not self.keys:
            return np.zeros(0, dtype=np.float32)
        return np.einsum("ij,j->i", self.unit, query)

    @staticmethod
    def best(sims: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
        """Rows of the k highest ``sims`` (only ``allowed`` rows, a boolean mask), best first; ties in row order."""
        rows = np.flatnonzero(allowed) if allowed is not None else None
        scores = sims if rows is None else sims[rows]
        k = min(k, len(scores))
        if k <= 0:
            return np.zeros(0, dtype=np.intp)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]
        return top if rows is None else rows[top]

    def nearest(self, vector: Sequence[float], k: int, among: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k rows nearest to ``vector``, best first (ties: stored order);
        with ``among``, only rows of those chunk ids."""
        if k <= 0 or not self.keys:
            return []
        sims = self.similarities(vector)
        allowed = None
        if among is not None:
            allowed = np.zeros(len(self.keys), dtype=bool)
            allowed[[self._row_of[c] for c in among if c in self._row_of]] = True
        top = self.best(sims, k, allowed)
        return [(self.chunk_ids[p], float(sims[p])) for p in top.tolist()]


def _scale_to_unit(matrix: np.ndarray) -> None:
    """Scale the rows to length 1 in place; rows already of length 1 are left bit for bit (idempotent), so
    rows carried from one generation to the next search exactly as before."""
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))  # no N x d temporary (linalg.norm makes one)
    off = np.flatnonzero((np.abs(norms - 1) > 1e-6) & (norms > 0))
    if len(off):
        matrix[off] /= norms[off, None]


def load(path: Path | None) -> Rows | None:
    """The saved copy, or None when there is none or it cannot be read (then Chroma is asked)."""
    if path is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            layout = int(data["format"])
            if layout not in (1, _FORMAT):
                return None
            keys, chunk_ids, vectors = data["keys"].tolist(), data["chunk_ids"].tolist(), data["vectors"]
        return Rows.of(keys, chunk_ids, vectors, owned=True, unit=layout == _FORMAT)
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
                 chunk_ids=np.array(rows.chunk_ids, dtype=str), vectors=rows.unit)
        partial.replace(path)
    except OSError as exc:  # the next start reads Chroma instead
        log.warning("vector copy not saved: %s", type(exc).__name__)
