"""The index a running process answers from: opened once, rebuilt in the background when the store changes.

``IndexSession`` holds what survives a rebuild (the store, the tokenizer's segments, the embedder with
its loaded model, the Chroma collection), so a rebuild after another process ingested one file costs
that file's chunks, not the corpus. ``LiveIndex`` serves the current retriever and, when the store's
generation moves, builds the next one on a thread and swaps it in with one assignment; questions keep
being answered from the old index meanwhile (the question that noticed the change waits at most
``_GRACE_S`` for a quick rebuild). The serving index gets the new document records at once (removed,
withdrawn and superseded documents stop answering before the rebuild, and without one when no
document was added or rewritten), so a removed document is never quoted, before or after the swap.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge import index_delta, vector_handoff
from knowledge.chunk_snapshot import advance, last_mark, snapshot_path
from knowledge.chunk_snapshot import load as load_snapshot
from knowledge.chunk_snapshot import save as save_snapshot
from knowledge.index import IndexOptions, ensure_builtin, estimate_build_seconds
from knowledge.index_delta import Built
from knowledge.keyword_index import KeywordIndexer
from knowledge.store import Change, ChunkStore, Document

if TYPE_CHECKING:
    from knowledge.retriever import HybridRetriever
    from knowledge.types import Chunk
    from knowledge.vector_store import VectorStore

log = logging.getLogger(__name__)
_GRACE_S = 0.05  # a small corpus is rebuilt in this time; a large one is not waited for
_GRACE_CHUNKS = 4000  # an index larger than this is not waited for (at 31k chunks a rebuild takes ~0.4 s CPU)
_RETRY_S = 5.0  # after a failed rebuild, keep serving the old index this long before trying again
_OWED_CHECK_S = 0.25  # how often a serving process looks whether owed vectors have arrived


class IndexSession:
    """The store and the long-lived parts of the index of one process."""

    def __init__(self, options: IndexOptions, store: ChunkStore, *, rebuild: bool = False) -> None:
        from knowledge.embeddings import embedder_name, make_embedder
        from knowledge.give_way import Questions
        from knowledge.retriever import IndexTexts
        from knowledge.tokenizer import default_tokenizer
        from knowledge.vector_store import VectorStore

        self.options = options
        self.store = store
        self._first = ensure_builtin(store, force=rebuild) and not rebuild
        root = options.data_dir / "index" / "bm25"
        if rebuild:
            for path in root.glob("*/*"):
                path.unlink(missing_ok=True)
            snapshot_path(options.data_dir).unlink(missing_ok=True)
        self.indexer = KeywordIndexer(default_tokenizer(), root)
        embedder = make_embedder(options.embedder, options.embedding_model, cache_dir=options.data_dir / "cache",
                                 threads=options.embedding_threads)
        self.vectors: VectorStore | None = None
        self._built: Built | None = None  # what the last build was made from (the next one reads only the change)
        self._texts = IndexTexts()  # each chunk's index text, carried from build to build
        self.questions = Questions()  # answered meanwhile: a build gives way to them between its steps
        self._last: HybridRetriever | None = None  # the last build's index (its word counts carry over)
        self._mark = options.data_dir / "index" / "none.generation"
        self._claim = claim_path(options.data_dir)
        # the new chunks whose vectors an ingest process is embedding (left to it: see knowledge.vector_handoff),
        # as (the generation the vectors were at, added chunks, removed chunks); None when the vectors are complete
        self._owed: tuple[str | None, list[Chunk], list[Chunk]] | None = None
        self._checked = 0.0
        if embedder is not None and options.mode != "bm25":
            if hasattr(embedder, "preload"):
                embedder.preload()
            self.vectors = VectorStore(embedder, embedder_name(embedder), path=options.data_dir / "chroma",
                                       url=options.chroma_url, mirror_dir=options.data_dir / "index" / "vectors")
            self._mark = index_delta.mark_path(options.data_dir, self.vectors.name, options.chroma_url)
            if rebuild:
                self._mark.unlink(missing_ok=True)
                self.vectors.clear()

    def build(self) -> HybridRetriever:
        """A retriever over the store as it is now; tokenises and embeds only chunks not seen before."""
        # the build makes ~10 objects per chunk: the collections they would trigger walk the whole heap while
        # holding the GIL (~0.1-0.2 s each at 31k chunks, measured; reading the chunks took 0.8 s with them,
        # 0.5 s without), so none runs during the build. (Freezing the result would spare later collections
        # too, but would also keep any cyclic garbage alive at that moment forever.)
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._build()
        finally:
            if enabled:
                gc.enable()

    def _build(self) -> HybridRetriever:
        from knowledge.retriever import HybridRetriever
        from knowledge.tokenizer import unit_terms

        generation = self.store.generation  # read before the chunks: a write meanwhile is seen next time
        documents = self.store.documents()
        previous = self._built
        change = None if previous is None else index_delta.delta(previous, documents, self.store)
        chunks = self._chunks(generation) if change is None else change.chunks
        self.questions.give_way()
        if change is not None and previous is not None:
            self._follow_snapshot(previous.generation, generation, change)
        if self._first and self.options.on_first_build is not None:
            self._first = False
            to_embed = self.vectors.to_embed(chunks) if self.vectors else 0
            self.options.on_first_build(estimate_build_seconds(to_embed, self.vectors.name if self.vectors else ""))
        if self.vectors is not None:
            self._sync_vectors(generation, chunks, previous, change)
            self.questions.give_way()
        mode: Any = self.options.mode
        retriever = HybridRetriever(chunks, self.indexer.tokenizer, vectors=self.vectors, mode=mode,
                                    known_places=frozenset(unit_terms()), indexer=self.indexer,
                                    generation=generation, index_texts=self._texts, questions=self.questions)
        retriever.set_documents(documents)
        if change is not None and self._last is not None:
            retriever.inherit_counts(self._last, change.added, change.removed)
        self.questions.give_way()
        retriever.warm()
        self._last = retriever
        self._built = index_delta.built(generation, documents, chunks)
        return retriever

    def _follow_snapshot(self, before: str | None, after: str | None, change: index_delta.Delta) -> None:
        """Bring this data directory's chunk copy to ``after``: already there (the ingest extended it),
        extended by this change, or (a rewritten built-in document moved in the order) written afresh."""
        path = snapshot_path(self.options.data_dir)
        if after is None or last_mark(path) == after:
            return
        if not (change.appended and advance(path, before, after, change.replaced, change.added)):
            save_snapshot(path, after, change.chunks)

    def _sync_vectors(self, generation: str | None, chunks: list[Chunk], previous: Built | None,
                      change: index_delta.Delta | None) -> None:
        """The collection holds these chunks' vectors: nothing to do when it is marked at this generation,
        the change alone when it is marked at the previous build's (left owed while an ingest process that
        embeds it holds the claim), else a full comparison."""
        assert self.vectors is not None
        mark = index_delta.read_mark(self._mark)
        owed, self._owed = self._owed, None
        if generation is not None and mark == generation:
            self.vectors.hold(chunks)  # the copy questions search: saved, or read back without listing
            return
        base, added, removed = owed or (previous.generation if previous else None, [], [])
        if change is not None and previous is not None and mark is not None and mark == base:
            added, removed = [*added, *change.added], [*removed, *change.removed]
            if added and vector_handoff.claimed(self._claim):
                self._owed = (base, added, removed)
                return
            self.vectors.apply(added, removed)
        else:
            self.vectors.sync(chunks)
        if self.store.generation == generation:  # no write meanwhile: the collection is this generation's
            index_delta.write_mark(self._mark, generation)

    def owes_vectors(self) -> bool:
        """Some chunks are served without their vectors, and the ingest embedding them finished (or ended)
        since: a rebuild now picks them up. Checked at most every ``_OWED_CHECK_S``."""
        if self._owed is None or time.monotonic() - self._checked < _OWED_CHECK_S:
            return False
        self._checked = time.monotonic()
        return not vector_handoff.claimed(self._claim) or index_delta.read_mark(self._mark) == self.store.generation

    def ingested(self, changes: Sequence[Change]) -> None:
        """Follow ``gongkai ingest``'s writes without reading the store's other chunks: their chunks are
        tokenised into a new BM25 segment, their vectors (only theirs) embedded, and this data directory's
        chunk copy extended, each when it was at the generation before the writes."""
        from knowledge.bank import is_question
        from knowledge.retriever import _index_text

        added, removed, _ = index_delta.net(changes)
        clauses = [c for c in added if not is_question(c)]
        self.indexer.append("clauses", clauses, [_index_text(c) for c in clauses])
        questions = [c for c in added if is_question(c)]
        self.indexer.append("bank", questions, [q.text for q in questions])
        if self.vectors is not None:
            mark = index_delta.read_mark(self._mark)
            self.vectors.apply(added, removed)
            if index_delta.chained(mark, changes) and self.store.generation == changes[-1].after:
                index_delta.write_mark(self._mark, changes[-1].after)
        path = snapshot_path(self.options.data_dir)
        for change in changes:
            if not advance(path, change.before, change.after, change.doc_ids, change.added):
                break

    def _chunks(self, generation: str | None) -> list[Chunk]:
        """The store's chunks, from this process's copy when it holds this generation (a start after no change)."""
        path = snapshot_path(self.options.data_dir)
        chunks = load_snapshot(path, generation)
        if chunks is None:
            chunks = self.store.chunks()
            save_snapshot(path, generation, chunks)
        return chunks

    def update(self) -> None:
        """Bring the persisted BM25 segments and the vectors up to date without building a retriever
        (``gongkai ingest``: the running servers build theirs)."""
        from knowledge.bank import is_question
        from knowledge.retriever import keyword_indexes

        generation = self.store.generation
        chunks = self.store.chunks()  # no snapshot: the serving processes write theirs when they rebuild
        keyword_indexes(self.indexer, [c for c in chunks if not is_question(c)], [c for c in chunks if is_question(c)],
                        generation=generation)
        if self.vectors is not None:
            self.vectors.sync(chunks)


def claim_path(data_dir: Path) -> Path:
    """The file an ingest process of this data directory holds a lock on (``knowledge.vector_handoff``)."""
    return data_dir / "index" / "ingest.claim"


def records_only(retriever: HybridRetriever, documents: Sequence[Document]) -> bool:
    """No document was added or rewritten since the index was built: the new records are all it takes."""
    indexed = retriever.doc_ids()
    known = {d.doc_id: d.content_hash for d in retriever.catalog.docs.values()} if retriever.catalog else {}
    return all(d.doc_id in indexed and known.get(d.doc_id) == d.content_hash for d in documents)


class LiveIndex:
    """The current retriever of a long-running process, refreshed in the background."""

    def __init__(self, options: IndexOptions, store: Callable[[], ChunkStore]) -> None:
        self.options = options
        self._store = store  # opened on first use (the database may not be migrated before)
        self._session: IndexSession | None = None
        self._current: HybridRetriever | None = None
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self._failed_at = 0.0
        self._seen: str | None = None  # the generation whose documents the serving index was last told
        self.swaps = 0

    def current(self) -> HybridRetriever:
        """The retriever to answer from now; the first call opens the index (nothing to serve before)."""
        retriever = self._current
        if retriever is None or self._session is None:
            with self._lock:
                if self._current is None:
                    self._session = IndexSession(self.options, self._store())
                    self._current = self._session.build()
                return self._current
        generation = self._session.store.generation
        stale = generation != retriever.generation or self._session.owes_vectors()
        if stale and time.monotonic() - self._failed_at > _RETRY_S:
            builder = self._refresh(generation)
            if builder is not None and len(retriever.chunks) + len(retriever.questions) <= _GRACE_CHUNKS:
                builder.join(_GRACE_S)
                return self._current or retriever
        return retriever

    def serving(self) -> HybridRetriever:
        """The retriever answering now, without looking whether the store moved (``current`` looks: a word's
        rarity asked while composing an answer is read from the index that answered, not another read of the
        store's generation per word)."""
        return self._current or self.current()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until no rebuild is running (tests and benchmarks; requests never call it)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def _refresh(self, generation: str | None) -> threading.Thread | None:
        """Start a rebuild unless one runs; returns the thread this call started."""
        assert self._session is not None
        with self._lock:
            serving = self._current
            if serving is not None and self._seen != generation:
                self._seen = generation
                documents = self._session.store.documents()
                covered = records_only(serving, documents)
                serving.set_documents(documents)  # removed or superseded documents stop answering now
                if covered:
                    serving.generation = generation
                    return None
            if self._builder is not None and self._builder.is_alive():
                return None
            self._builder = threading.Thread(target=self._rebuild, name="index-rebuild", daemon=True)
            self._builder.start()
            return self._builder

    def _rebuild(self) -> None:
        assert self._session is not None
        started = time.perf_counter()
        try:
            retriever = self._session.build()
        except Exception:  # keep answering from the old index; try again later
            log.exception("index rebuild failed; still serving the previous index")
            self._failed_at = time.monotonic()
            return
        with self._lock:
            self._current = retriever  # the swap: one reference, read without the lock
            self.swaps += 1
        log.info("index swapped in %.2fs: generation=%s chunks=%d", time.perf_counter() - started,
                 retriever.generation, len(retriever.chunks))
