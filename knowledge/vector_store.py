"""Dense vectors in Chroma: embedded ``PersistentClient`` under the data dir, or a Chroma server.

The vectors are computed by our own embedder (Chroma's default embedding function, which would
download a model, is never used) and kept in one collection per embedder, so switching embedders
builds a fresh collection instead of mixing vector spaces. Telemetry is off.

Questions are answered from an in-memory copy of the collection's vectors (``knowledge.vector_mirror``),
saved in the data directory; Chroma is opened only when the chunks differ from that copy's.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from knowledge import vector_handoff, vector_mirror
from knowledge.errors import ConfigError, UpstreamError
from knowledge.shipped_vectors import shipped, text_key
from knowledge.types import Chunk
from knowledge.vector_mirror import Rows

if TYPE_CHECKING:
    from knowledge.embeddings import Embedder

log = logging.getLogger(__name__)
_BATCH = 64
_GET_BATCH = 1000


def vector_key(chunk: Chunk) -> str:
    """Changes when the chunk's text changes, so an edited chunk is re-embedded."""
    return hashlib.sha1(f"{chunk.id}\n{chunk.text}".encode()).hexdigest()[:24]


def embed_text(chunk: Chunk) -> str:
    """What gets embedded: the section headings give a short paragraph its topic."""
    heading = chunk.metadata.get("heading") or ""
    extra = [chunk.metadata.get(k) or "" for k in ("topic", "keywords")]
    return "\n".join(x for x in (heading, *extra, chunk.text) if x)


class VectorStore:
    """One Chroma collection of chunk vectors for one embedder, searched through an in-memory copy."""

    def __init__(self, embedder: Embedder, name: str, *, path: Path | None = None, url: str = "",
                 mirror_dir: Path | None = None) -> None:
        self.embedder = embedder
        self.name = name
        self.embedded = 0  # chunks this store embedded (tests and benchmarks)
        self.listed = 0  # times it read every id of the collection (tests: an ingest never does)
        if url and not urlparse(url).hostname:
            raise ConfigError(f"Chroma 服务器地址无效：{url}")
        if not url and path is None:
            raise ConfigError("未设置向量库目录。")
        self._path, self._url = path, url
        self._collection_name = "gongkai-" + hashlib.sha1(name.encode()).hexdigest()[:16]
        self._mirror_path = mirror_dir / f"{self._collection_name}.npz" if mirror_dir is not None else None
        # what an ingest process added, left for the serving processes (knowledge.vector_handoff)
        self._handed = mirror_dir / f"{self._collection_name}.added" if mirror_dir is not None else None
        self._opened: Any = None
        self._rows: Rows | None = None  # what questions search; replaced whole (one assignment)

    @property
    def _collection(self) -> Any:
        """The Chroma collection, opened on first use (a start whose chunks match the saved copy never opens it)."""
        if self._opened is None:
            client = _client(self._path, self._url)
            self._opened = client.get_or_create_collection(
                self._collection_name, embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedder": self.name},
            )
        return self._opened

    def clear(self) -> None:
        """Drop every stored vector (``gongkai index --rebuild``)."""
        ids = self._collection.get(include=[])["ids"]
        for start in range(0, len(ids), 500):
            self._collection.delete(ids=ids[start : start + 500])
        self._rows = None
        if self._mirror_path is not None:
            self._mirror_path.unlink(missing_ok=True)

    def sync(self, chunks: Sequence[Chunk]) -> int:
        """Make the collection hold exactly these chunks; adds only what is new, taking vectors from the saved
        copy or shipped ones (``knowledge.shipped_vectors``) where they exist and embedding the rest. Returns
        how many were added. When the saved copy holds exactly these chunks, Chroma is not opened."""
        wanted = {vector_key(c): c for c in chunks}
        rows = self._saved()
        if self._take(wanted, rows):
            return 0
        known = dict(rows.by_key()) if rows is not None else {}
        added = self._sync_collection(wanted, known)
        self._read_back([k for k in wanted if k not in known], known)
        self._keep(_rows_for(wanted, known))
        return added

    def hold(self, chunks: Sequence[Chunk]) -> None:
        """The collection is known to hold exactly these chunks (the index's vector mark): search the saved
        copy when it is of these chunks, else read their vectors back from Chroma (nothing listed or embedded)."""
        wanted = {vector_key(c): c for c in chunks}
        rows = self._saved()
        if self._take(wanted, rows):
            return
        known = dict(rows.by_key()) if rows is not None else {}
        self._read_back([k for k in wanted if k not in known], known)
        if any(k not in known for k in wanted):  # the mark was wrong: compare in full
            self.sync(chunks)
            return
        self._keep(_rows_for(wanted, known))

    def _saved(self) -> Rows | None:
        return self._rows if self._rows is not None else vector_mirror.load(self._mirror_path)

    def _take(self, wanted: dict[str, Chunk], rows: Rows | None) -> bool:
        """Search ``rows`` when they are exactly the wanted chunks' vectors."""
        if rows is None or len(rows.keys) != len(wanted) or set(rows.keys) != set(wanted):
            return False
        self._rows = rows if rows.keys == tuple(wanted) else _rows_for(wanted, rows.by_key())
        return True

    def _keep(self, rows: Rows) -> None:
        self._rows = rows
        vector_mirror.save(self._mirror_path, rows)
        if self._handed is not None:
            vector_handoff.prune(self._handed)

    def _read_back(self, keys: list[str], into: dict[str, np.ndarray]) -> None:
        """Vectors another process stored (or an earlier version of the copy lacked): those an ingest process
        handed over, the rest read from Chroma by id (Chroma is not opened when none is left)."""
        if self._handed is not None:
            vector_handoff.take(self._handed, keys, into)
            keys = [k for k in keys if k not in into]
        for start in range(0, len(keys), _GET_BATCH):
            got = self._collection.get(ids=keys[start : start + _GET_BATCH], include=["embeddings"])
            if got["ids"]:
                into.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))

    def _sync_collection(self, wanted: dict[str, Chunk], known: dict[str, np.ndarray]) -> int:
        """The Chroma side of ``sync``; ``known`` (vectors by key) supplies vectors and gains those added."""
        stored = self._all_ids()
        stale = sorted(stored - set(wanted))
        for start in range(0, len(stale), 500):
            self._collection.delete(ids=stale[start : start + 500])
        missing = [key for key in wanted if key not in stored]
        cache = shipped(self.name) if missing else {}
        texts = {k: embed_text(wanted[k]) for k in missing}
        have = [k for k in missing if k in known or text_key(texts[k]) in cache]
        for start in range(0, len(have), 500):
            keys = have[start : start + 500]
            self._add(keys, [known[k] if k in known else cache[text_key(texts[k])] for k in keys], wanted, known)
        fresh = [k for k in missing if k not in known and text_key(texts[k]) not in cache]
        self._embed(fresh, texts, wanted, known)
        if missing or stale:
            log.info("vectors synced: reused=%d embedded=%d removed=%d", len(have), len(fresh), len(stale))
        return len(missing)

    def apply(self, added: Sequence[Chunk], removed: Sequence[Chunk] = ()) -> int:
        """One write's change, without reading the rest of the collection: the vectors of ``removed`` chunks
        go, ``added`` chunks get theirs. A chunk whose embedded text a removed chunk (the earlier version of
        the same file) or the shipped vectors already have takes that vector instead of being embedded.
        Returns how many were embedded."""
        gone = {vector_key(c) for c in removed} - {vector_key(c) for c in added}
        wanted = {vector_key(c): c for c in added}
        stored = set(self._collection.get(ids=list(wanted), include=[])["ids"]) if wanted else set()
        missing = [k for k in wanted if k not in stored]
        got: dict[str, np.ndarray] = {}
        texts = {k: embed_text(wanted[k]) for k in missing}
        earlier = {text_key(embed_text(c)): vector_key(c) for c in removed}
        reuse = {k: earlier[text_key(texts[k])] for k in missing if text_key(texts[k]) in earlier}
        if reuse:
            found = self._collection.get(ids=sorted(set(reuse.values())), include=["embeddings"])
            vectors = dict(zip(found["ids"], found["embeddings"], strict=True))
            reuse = {k: old for k, old in reuse.items() if old in vectors}
            if reuse:
                self._add(list(reuse), [vectors[reuse[k]] for k in reuse], wanted, got)
        rest = [k for k in missing if k not in reuse]
        cache = shipped(self.name) if rest and any(c.doc_id.startswith("builtin:") for c in added) else {}
        known = [k for k in rest if text_key(texts[k]) in cache]
        if known:
            self._add(known, [cache[text_key(texts[k])] for k in known], wanted, got)
        fresh = [k for k in rest if text_key(texts[k]) not in cache]
        self._embed(fresh, texts, wanted, got)
        stale = sorted(gone)
        for start in range(0, len(stale), 500):
            self._collection.delete(ids=stale[start : start + 500])
        log.info("vectors applied: reused=%d shipped=%d embedded=%d removed=%d", len(reuse), len(known), len(fresh),
                 len(stale))
        if self._rows is not None:  # a serving process: its copy follows (an ingest process holds none)
            self._read_back([k for k in wanted if k not in got], got)
            self._keep(self._rows.changed(gone | set(wanted), list(got), [wanted[k].id for k in got], got))
        elif self._handed is not None and got:  # an ingest process: the servers take them from here
            vector_handoff.hand_over(self._handed, list(got), np.stack(list(got.values())))
        return len(fresh)

    def _embed(self, keys: list[str], texts: dict[str, str], wanted: dict[str, Chunk],
               into: dict[str, np.ndarray]) -> None:
        """Embed in batches and add: one call per batch (the engine packs a batch's tokens into one pass)."""
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            self._add(batch, self.embedder.embed_documents([texts[k] for k in batch]), wanted, into)
        self.embedded += len(keys)

    def to_embed(self, chunks: Sequence[Chunk]) -> int:
        """How many of these chunks the next ``sync`` has to embed (neither stored, saved nor shipped)."""
        rows = self._saved()
        cache = shipped(self.name)
        saved = set(rows.keys) if rows is not None else set()
        left = [c for c in chunks if vector_key(c) not in saved and text_key(embed_text(c)) not in cache]
        if not left:
            return 0
        stored = self._all_ids()
        return sum(1 for c in left if vector_key(c) not in stored)

    def _all_ids(self) -> set[str]:
        self.listed += 1
        return set(self._collection.get(include=[])["ids"])

    def _add(self, keys: list[str], vectors: Sequence[Any], wanted: dict[str, Chunk],
             into: dict[str, np.ndarray]) -> None:
        matrix = np.asarray(vectors, dtype=np.float32)  # what Chroma stores
        self._collection.add(ids=keys, embeddings=matrix, metadatas=[{"chunk_id": wanted[k].id} for k in keys])
        into.update(zip(keys, matrix, strict=True))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, best first."""
        if not query.strip():
            return []
        return self.nearest(self.embedder.embed_query(query), k)

    def nearest(self, vector: Sequence[float], k: int, *,
                among: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k chunks nearest to ``vector``, best first; with ``among``,
        only those chunk ids (the question bank) are searched."""
        if k <= 0 or among is not None and not among:
            return []
        return self.rows().nearest(vector, k, among)

    def rows(self) -> Rows:
        """The vectors questions search now (replaced whole by a sync; a caller keeps the one it got)."""
        rows = self._rows
        if rows is None:  # not synced by this process: search what the collection holds
            got = self._collection.get(include=["embeddings", "metadatas"])
            ids = [str(m["chunk_id"]) for m in got["metadatas"]]
            rows = self._rows = Rows.of(got["ids"], ids, np.asarray(got["embeddings"], dtype=np.float32), owned=True)
        return rows


def _rows_for(wanted: dict[str, Chunk], vectors: dict[str, np.ndarray] | Any) -> Rows:
    keys = list(wanted)
    matrix = np.stack([vectors[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
    return Rows.of(keys, [wanted[k].id for k in keys], matrix, owned=True)


def _client(path: Path | None, url: str) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise UpstreamError("无法连接 Chroma 向量库服务器，请检查 ASSISTANT_CHROMA_URL。", detail=repr(exc)) from exc
    assert path is not None  # checked when the store was made
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
