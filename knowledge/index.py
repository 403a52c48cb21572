"""The chunk store (SQLite under data_dir/index) and the searchable index built from it.

The store is the source of truth: documents keyed by content hash, their chunks in order. At start
the BM25 index is rebuilt from the chunk table (the corpus is small) and the Chroma collection of the
configured embedder is synced to it. The built-in corpus (plan + digest) is written into the store
on first use and re-written whenever the packaged data changes, so ``gongkai ask`` works right
after installation.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.types import Chunk

if TYPE_CHECKING:
    from knowledge.retriever import HybridRetriever

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, content_hash TEXT NOT NULL, title TEXT NOT NULL,
    kind TEXT NOT NULL, chunk_count INTEGER NOT NULL, added_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents (content_hash);
CREATE INDEX IF NOT EXISTS documents_name ON documents (name);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL, title TEXT NOT NULL, section TEXT NOT NULL, text TEXT NOT NULL,
    section_path TEXT NOT NULL, metadata TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id, ord);
"""


@dataclass(frozen=True)
class Document:
    doc_id: str
    name: str
    content_hash: str
    title: str
    kind: str
    chunk_count: int = 0


class ChunkStore:
    """Documents and their chunks in one SQLite file. Each method is its own transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:
                yield db
        finally:
            db.close()

    def get_meta(self, key: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def documents(self) -> list[Document]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT doc_id, name, content_hash, title, kind, chunk_count FROM documents ORDER BY added_at"
            ).fetchall()
        return [Document(*row) for row in rows]

    def find(self, *, content_hash: str, name: str) -> list[Document]:
        """Documents that a new upload replaces: the same content, or an earlier version of the same file."""
        return [d for d in self.documents() if d.content_hash == content_hash or (name and d.name == name)]

    def replace(self, document: Document, chunks: Sequence[Chunk], *, remove: Sequence[str] = ()) -> None:
        """Write a document and its chunks, deleting ``remove`` (and any older copy) in the same transaction."""
        with self._connect() as db:
            _bump_generation(db)
            for doc_id in {*remove, document.doc_id}:
                db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                (document.doc_id, document.name, document.content_hash, document.title, document.kind,
                 len(chunks), time.time()),
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.id, document.doc_id, n, c.title, c.section, c.text,
                     json.dumps(list(c.section_path), ensure_ascii=False), json.dumps(c.metadata, ensure_ascii=False))
                    for n, c in enumerate(chunks)
                ],
            )

    def remove(self, doc_ids: Sequence[str]) -> None:
        with self._connect() as db:
            _bump_generation(db)
            db.executemany("DELETE FROM documents WHERE doc_id = ?", [(d,) for d in doc_ids])

    def chunks(self) -> list[Chunk]:
        """Every chunk, built-in corpus first, then ingested documents in the order they were added."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT c.id, c.doc_id, c.title, c.section, c.text, c.section_path, c.metadata FROM chunks c "
                "JOIN documents d ON d.doc_id = c.doc_id ORDER BY d.added_at, c.doc_id, c.ord"
            ).fetchall()
        return [
            Chunk(id=r[0], doc_id=r[1], title=r[2], section=r[3], text=r[4],
                  section_path=tuple(json.loads(r[5])), metadata=dict(json.loads(r[6])))
            for r in rows
        ]


def _bump_generation(db: sqlite3.Connection) -> None:
    """Every change gets a new generation, so running servers notice documents ingested by the CLI."""
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (uuid.uuid4().hex,))


def current_generation(data_dir: Path) -> str | None:
    """The store's generation, read without touching the schema (cheap enough to check per question)."""
    path = store_path(data_dir)
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def store_path(data_dir: Path) -> Path:
    return data_dir / "index" / "chunks.sqlite3"


def ensure_builtin(store: ChunkStore, *, force: bool = False) -> bool:
    """Write the built-in corpus into the store if it is missing or outdated. Returns True if written."""
    from knowledge.bank import BANK_DOC_ID
    from knowledge.corpus import (
        DIGEST_DOC_ID,
        PLAN_DOC_ID,
        bank_chunks,
        digest_chunks,
        fingerprint,
        plan_chunks,
        source_fingerprint,
    )
    from knowledge.types import PLAN_TITLE, REGULATION_TITLE

    sources = source_fingerprint()
    if not force and store.get_meta("builtin_sources") == sources:
        return False
    plan, digest, bank = plan_chunks(), digest_chunks(), bank_chunks()
    version = fingerprint(plan + digest + bank)
    if not force and store.get_meta("builtin_version") == version:
        store.set_meta("builtin_sources", sources)
        return False
    store.replace(Document(PLAN_DOC_ID, "plan.txt", version, PLAN_TITLE, "plan"), plan)
    store.replace(Document(DIGEST_DOC_ID, "regulations.yaml", version, REGULATION_TITLE, "regulation"), digest)
    store.replace(Document(BANK_DOC_ID, "question_bank.yaml", version, "问答库", "question"), bank)
    store.set_meta("builtin_version", version)
    # marked last: another process starting at the same moment (a pool worker, a second replica) that sees
    # the mark must find all three documents, not a store with the plan and digest but no question bank
    store.set_meta("builtin_sources", sources)
    return True


@dataclass(frozen=True)
class IndexOptions:
    """Plain values from the settings (knowledge never imports the assistant's Settings)."""

    data_dir: Path
    embedder: str = "use"
    embedding_model: str = ""
    chroma_url: str = ""
    mode: str = "hybrid"
    # told the estimated seconds before the first build in an empty data directory (the CLI prints a line)
    on_first_build: Callable[[int], None] | None = field(default=None, compare=False)


# measured idle on the 2-core reference machine: ~1 s to load the embedder, ~22 ms per chunk to embed
_BUILD_BASE_S, _EMBED_PER_CHUNK_S = 1.0, 0.022


def estimate_build_seconds(chunks: int, *, vectors: bool) -> int:
    """Rough seconds the first build takes, scaled by how busy the machine is (load per core)."""
    seconds = _BUILD_BASE_S + (chunks * _EMBED_PER_CHUNK_S if vectors else 0.0)
    try:
        busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:  # no load average on this platform
        busy = 1.0
    return max(1, math.ceil(seconds * busy))


def open_retriever(options: IndexOptions, *, rebuild: bool = False) -> HybridRetriever:
    """Open the store (writing the built-in corpus if needed), rebuild BM25, sync vectors, return the retriever."""
    from knowledge.embeddings import embedder_name, make_embedder
    from knowledge.retriever import HybridRetriever
    from knowledge.tokenizer import default_tokenizer, unit_terms
    from knowledge.vector_store import VectorStore

    first = not store_path(options.data_dir).exists()
    store = ChunkStore(store_path(options.data_dir))
    ensure_builtin(store, force=rebuild)
    chunks = store.chunks()
    if first and options.on_first_build is not None:
        options.on_first_build(estimate_build_seconds(len(chunks), vectors=options.embedder != "none"
                                                      and options.mode != "bm25"))
    embedder = make_embedder(options.embedder, options.embedding_model, cache_dir=options.data_dir / "cache")
    vectors = None
    if embedder is not None and options.mode != "bm25":
        if hasattr(embedder, "preload"):
            embedder.preload()
        name = embedder_name(embedder)
        vectors = VectorStore(embedder, name, path=options.data_dir / "chroma", url=options.chroma_url)
        if rebuild:
            vectors.clear()
        vectors.sync(chunks)
    mode: Any = options.mode
    retriever = HybridRetriever(chunks, default_tokenizer(), vectors=vectors, mode=mode,
                                known_places=frozenset(unit_terms()))
    retriever.generation = store.get_meta("generation")
    return retriever
