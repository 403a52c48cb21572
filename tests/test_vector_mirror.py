"""Questions are answered from the saved copy of the vectors; Chroma is opened only when the chunks change."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from knowledge.types import Chunk
from knowledge.vector_mirror import Rows
from knowledge.vector_store import VectorStore, embed_text


class Hashed:
    """A deterministic embedder: 8 dims from the text's characters; records what it embeds."""

    name = "hashed-test"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = [0.0] * 8
        for ch in text:
            vector[ord(ch) % 8] += 1.0
        return vector


def _chunks() -> list[Chunk]:
    texts = ["依申请公开二十个工作日内答复", "政务新媒体两周内更新", "年度报告一月三十一日前公布",
             "县档案馆设立查阅点", "主动公开的信息二十个工作日内公开"]
    return [Chunk(id=f"c{i}", doc_id="d", title="t", section=str(i), text=t) for i, t in enumerate(texts)]


def test_a_start_with_the_same_chunks_answers_from_the_copy_without_opening_chroma(tmp_path: Path) -> None:
    chunks, mirror = _chunks(), tmp_path / "index" / "vectors"
    first = VectorStore(Hashed(), "hashed-test", path=tmp_path / "chroma", mirror_dir=mirror)  # type: ignore[arg-type]
    assert first.sync(chunks) == len(chunks)
    expected = first.search("申请多少个工作日答复", 3)
    embedder = Hashed()
    # the next process: its Chroma directory would be created the moment the client opened
    later = VectorStore(embedder, "hashed-test", path=tmp_path / "chroma-2", mirror_dir=mirror)  # type: ignore[arg-type]
    assert later.sync(chunks) == 0
    assert later.search("申请多少个工作日答复", 3) == expected
    assert not (tmp_path / "chroma-2").exists() and embedder.embedded == []


def test_changed_chunks_reach_chroma_and_unchanged_ones_are_not_embedded_again(tmp_path: Path) -> None:
    chunks, mirror = _chunks(), tmp_path / "index" / "vectors"
    VectorStore(Hashed(), "hashed-test", path=tmp_path / "chroma", mirror_dir=mirror).sync(chunks)  # type: ignore[arg-type]
    edited = dataclasses.replace(chunks[1], text="政务新媒体两次更新间隔小于十四天")
    wanted = [chunks[0], edited, *chunks[2:]]
    embedder = Hashed()
    # a fresh Chroma (e.g. its directory was lost): the copy supplies the vectors it already has
    later = VectorStore(embedder, "hashed-test", path=tmp_path / "chroma-2", mirror_dir=mirror)  # type: ignore[arg-type]
    assert later.sync(wanted) == len(wanted)
    assert embedder.embedded == [embed_text(edited)]
    assert later.search(edited.text, 1)[0][0] == "c1"  # the new vector, not the old one
    assert sorted(later._collection.get(include=["metadatas"])["ids"]) == sorted(later._rows.keys)  # type: ignore[union-attr]
    # the copy now holds the edited chunk: a third start needs neither Chroma nor the embedder
    third = VectorStore(Hashed(), "hashed-test", path=tmp_path / "chroma-3", mirror_dir=mirror)  # type: ignore[arg-type]
    assert third.sync(wanted) == 0 and not (tmp_path / "chroma-3").exists()


def test_a_rebuild_drops_the_copy(tmp_path: Path) -> None:
    chunks, mirror = _chunks(), tmp_path / "index" / "vectors"
    store = VectorStore(Hashed(), "hashed-test", path=tmp_path / "chroma", mirror_dir=mirror)  # type: ignore[arg-type]
    store.sync(chunks)
    assert list(mirror.glob("*.npz"))
    store.clear()
    assert not list(mirror.glob("*.npz")) and store.sync(chunks) == len(chunks)


def test_nearest_is_exact_cosine_best_first_and_among_limits_the_rows() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    ids = [f"c{i}" for i in range(50)]
    rows = Rows.of([f"k{i}" for i in range(50)], ids, vectors)
    query = rng.normal(size=16)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosines = unit @ (query / np.linalg.norm(query))
    best = [ids[i] for i in np.argsort(-cosines)[:5]]
    got = rows.nearest(query.tolist(), 5)
    assert [c for c, _ in got] == best
    assert abs(got[0][1] - float(cosines.max())) < 1e-5
    among = ids[10:20]
    assert [c for c, _ in rows.nearest(query.tolist(), 3, among)] == [
        ids[10 + i] for i in np.argsort(-cosines[10:20])[:3]]
    assert len(rows.nearest(query.tolist(), 100)) == 50


def test_an_applied_change_moves_the_copy_with_it(tmp_path: Path) -> None:
    chunks, mirror = _chunks(), tmp_path / "index" / "vectors"
    serving = VectorStore(Hashed(), "hashed-test", path=tmp_path / "chroma", mirror_dir=mirror)  # type: ignore[arg-type]
    serving.sync(chunks)
    added = Chunk(id="c9", doc_id="e", title="t", section="", text="政府信息公开申请表可以网上提交")
    serving.apply([added], [chunks[0]])
    now = [*chunks[1:], added]
    assert serving.search(added.text, 1)[0][0] == "c9"
    assert all(cid != "c0" for cid, _ in serving.search(chunks[0].text, 10))  # removed: never found again
    later = VectorStore(Hashed(), "hashed-test", path=tmp_path / "chroma-2", mirror_dir=mirror)  # type: ignore[arg-type]
    later.hold(now)
    assert later.search(added.text, 1)[0][0] == "c9" and not (tmp_path / "chroma-2").exists()
