"""Dense vectors in Chroma: embedded ``PersistentClient`` under the data dir, or a Chroma server.

The vectors are computed by our own embedder (Chroma's default embedding function, which would
download a model, is never used) and kept in one collection per embedder, so switching embedders
builds a fresh collection instead of mixing vector spaces. Telemetry is off.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from langchain_core.embeddings import Embeddings

from knowledge.errors import ConfigError, UpstreamError
from knowledge.shipped_vectors import shipped, text_key
from knowledge.types import Chunk

log = logging.getLogger(__name__)
_BATCH = 64


def vector_key(chunk: Chunk) -> str:
    """Changes when the chunk's text changes, so an edited chunk is re-embedded."""
    return hashlib.sha1(f"{chunk.id}\n{chunk.text}".encode()).hexdigest()[:24]


def embed_text(chunk: Chunk) -> str:
    """What gets embedded: the section headings give a short paragraph its topic."""
    heading = chunk.metadata.get("heading") or ""
    extra = [chunk.metadata.get(k) or "" for k in ("topic", "keywords")]
    return "\n".join(x for x in (heading, *extra, chunk.text) if x)


class VectorStore:
    """One Chroma collection of chunk vectors for one embedder."""

    def __init__(self, embedder: Embeddings, name: str, *, path: Path | None = None, url: str = "") -> None:
        self.embedder = embedder
        self.name = name
        self.embedded = 0  # chunks this store embedded (tests and benchmarks)
        self.listed = 0  # times it read every id of the collection (tests: an ingest never does)
        self._client = _client(path, url)
        collection = "gongkai-" + hashlib.sha1(name.encode()).hexdigest()[:16]
        self._collection: Any = self._client.get_or_create_collection(
            collection, embedding_function=None, metadata={"hnsw:space": "cosine", "embedder": name}
        )

    def clear(self) -> None:
        """Drop every stored vector (``gongkai index --rebuild``)."""
        ids = self._collection.get(include=[])["ids"]
        for start in range(0, len(ids), 500):
            self._collection.delete(ids=ids[start : start + 500])

    def sync(self, chunks: Sequence[Chunk]) -> int:
        """Make the collection hold exactly these chunks; adds only what is new, taking shipped vectors
        (``knowledge.shipped_vectors``) where they exist and embedding the rest. Returns how many were added."""
        wanted = {vector_key(c): c for c in chunks}
        stored = self._all_ids()
        stale = sorted(stored - set(wanted))
        for start in range(0, len(stale), 500):
            self._collection.delete(ids=stale[start : start + 500])
        missing = [key for key in wanted if key not in stored]
        cache = shipped(self.name) if missing else {}
        texts = {k: embed_text(wanted[k]) for k in missing}
        known = [k for k in missing if text_key(texts[k]) in cache]
        for start in range(0, len(known), 500):
            keys = known[start : start + 500]
            self._add(keys, [cache[text_key(texts[k])].astype(float).tolist() for k in keys], wanted)
        fresh = [k for k in missing if text_key(texts[k]) not in cache]
        self._embed(fresh, texts, wanted)
        if missing or stale:
            log.info("vectors synced: shipped=%d embedded=%d removed=%d", len(known), len(fresh), len(stale))
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
        texts = {k: embed_text(wanted[k]) for k in missing}
        earlier = {text_key(embed_text(c)): vector_key(c) for c in removed}
        reuse = {k: earlier[text_key(texts[k])] for k in missing if text_key(texts[k]) in earlier}
        if reuse:
            found = self._collection.get(ids=sorted(set(reuse.values())), include=["embeddings"])
            vectors = dict(zip(found["ids"], found["embeddings"], strict=True))
            reuse = {k: old for k, old in reuse.items() if old in vectors}
            if reuse:
                self._add(list(reuse), [list(map(float, vectors[reuse[k]])) for k in reuse], wanted)
        rest = [k for k in missing if k not in reuse]
        cache = shipped(self.name) if rest and any(c.doc_id.startswith("builtin:") for c in added) else {}
        known = [k for k in rest if text_key(texts[k]) in cache]
        if known:
            self._add(known, [cache[text_key(texts[k])].astype(float).tolist() for k in known], wanted)
        fresh = [k for k in rest if text_key(texts[k]) not in cache]
        self._embed(fresh, texts, wanted)
        stale = sorted(gone)
        for start in range(0, len(stale), 500):
            self._collection.delete(ids=stale[start : start + 500])
        log.info("vectors applied: reused=%d shipped=%d embedded=%d removed=%d", len(reuse), len(known), len(fresh),
                 len(stale))
        return len(fresh)

    def _embed(self, keys: list[str], texts: dict[str, str], wanted: dict[str, Chunk]) -> None:
        """Embed in batches and add: one call per batch (the engine packs a batch's tokens into one pass)."""
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            self._add(batch, self.embedder.embed_documents([texts[k] for k in batch]), wanted)
        self.embedded += len(keys)

    def to_embed(self, chunks: Sequence[Chunk]) -> int:
        """How many of these chunks the next ``sync`` has to embed (neither stored nor shipped)."""
        stored = self._all_ids()
        cache = shipped(self.name)
        return sum(1 for c in chunks if vector_key(c) not in stored and text_key(embed_text(c)) not in cache)

    def _all_ids(self) -> set[str]:
        self.listed += 1
        return set(self._collection.get(include=[])["ids"])

    def _add(self, keys: list[str], vectors: list[list[float]], wanted: dict[str, Chunk]) -> None:
        self._collection.add(ids=keys, embeddings=vectors, metadatas=[{"chunk_id": wanted[k].id} for k in keys])

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, best first."""
        if not query.strip():
            return []
        return self.nearest(self.embedder.embed_query(query), k)

    def nearest(self, vector: list[float], k: int, *, among: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k chunks nearest to ``vector``, best first; with ``among``,
        only those chunk ids (the question bank) are searched."""
        count = self._collection.count()
        if not count or k <= 0 or among is not None and not among:
            return []
        where = None if among is None else {"chunk_id": {"$in": list(among)}}
        result = self._collection.query(
            query_embeddings=[vector], n_results=min(k, count), where=where, include=["metadatas", "distances"]
        )
        metadatas = result["metadatas"][0]
        distances = result["distances"][0]
        return [(str(m["chunk_id"]), 1.0 - float(d)) for m, d in zip(metadatas, distances, strict=True)]


def _client(path: Path | None, url: str) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise ConfigError(f"Chroma 服务器地址无效：{url}")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise UpstreamError("无法连接 Chroma 向量库服务器，请检查 ASSISTANT_CHROMA_URL。", detail=repr(exc)) from exc
    if path is None:
        raise ConfigError("未设置向量库目录。")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
