"""BM25 over the chunk texts with bm25s; rebuilt in memory from the chunk store (the corpus is small)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np


class Bm25Index:
    """Scores every chunk for a tokenized query. Build with the tokens of each chunk, in chunk order."""

    def __init__(self, corpus_tokens: Sequence[list[str]]) -> None:
        import bm25s  # deferred: keeps `gongkai --help` fast

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

        self.size = len(corpus_tokens)
        self._model: Any = None
        self._vocab: frozenset[str] = frozenset()
        if self.size:
            model = bm25s.BM25(k1=1.2, b=0.75)
            model.index([list(t) or [""] for t in corpus_tokens], show_progress=False)
            self._model = model
            self._vocab = frozenset(model.vocab_dict)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk (0 where no query token occurs)."""
        known = [t for t in dict.fromkeys(query_tokens) if t in self._vocab and t]
        if not known or self._model is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)

    def top(self, query_tokens: list[str], k: int) -> list[tuple[int, float]]:
        """The k best chunk positions with their scores, best first, zero scores left out."""
        scores = self.scores(query_tokens)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
