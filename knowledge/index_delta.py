"""What one index build or one ingest changes, so that neither rereads the chunks that stayed.

- ``Delta``: a serving process's previous build (its generation, documents and chunks) against the
  store's documents now: which documents are new or rewritten (their chunks are read, nothing else),
  which are gone, and the new chunk list in the store's order.
- The vector mark: a small file per data directory and collection naming the store generation whose
  chunks the Chroma collection holds exactly. A start whose generation is marked skips listing the
  collection; a write that moved the store from the marked generation moves the mark with it. A
  mark is written only when the store is still at that generation after the vector work, so a
  concurrent write always leaves the mark behind (and the next build syncs in full).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.store import Change, ChunkStore, Document
from knowledge.types import Chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    """What a build was made from: the store generation, each document's content hash, the chunks in order."""

    generation: str | None
    hashes: dict[str, str]
    chunks: list[Chunk]


@dataclass(frozen=True)
class Delta:
    chunks: list[Chunk]  # the store's chunks now, in its order
    added: list[Chunk]  # the chunks of new or rewritten documents
    removed: list[Chunk]  # the chunks of gone or rewritten documents
    replaced: list[str]  # gone or rewritten documents
    appended: bool  # the new documents come last in the store's order (a snapshot can be extended)


def delta(previous: Built, documents: Sequence[Document], store: ChunkStore) -> Delta:
    """The chunks of the store now, reading only the documents that are new or rewritten since ``previous``."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in previous.chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    fresh = [d.doc_id for d in documents if previous.hashes.get(d.doc_id) != d.content_hash]
    read: dict[str, list[Chunk]] = {}
    for c in store.chunks(doc_ids=fresh):
        read.setdefault(c.doc_id, []).append(c)
    fresh_set = set(fresh)
    current = {d.doc_id for d in documents}
    replaced = [doc_id for doc_id in previous.hashes if doc_id not in current or doc_id in fresh_set]
    chunks = [c for d in documents for c in (read.get(d.doc_id, []) if d.doc_id in fresh_set else by_doc.get(d.doc_id, []))]
    tail = [d.doc_id for d in documents[len(documents) - len(fresh):]] if fresh else []
    return Delta(chunks, [c for doc_id in fresh for c in read.get(doc_id, [])],
                 [c for doc_id in replaced for c in by_doc.get(doc_id, [])], replaced, appended=tail == fresh)


def built(generation: str | None, documents: Sequence[Document], chunks: list[Chunk]) -> Built:
    return Built(generation, {d.doc_id: d.content_hash for d in documents}, chunks)


def mark_path(data_dir: Path, collection: str, url: str) -> Path:
    key = hashlib.sha1(f"{collection}\n{url}".encode()).hexdigest()[:16]
    return data_dir / "index" / f"vectors-{key}.generation"


def read_mark(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def write_mark(path: Path, generation: str | None) -> None:
    if generation is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(generation, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:  # the next build lists the collection instead
        log.warning("vector mark not saved: %s", type(exc).__name__)


def chained(start: str | None, changes: Sequence[Change]) -> bool:
    """The changes follow one another from ``start`` with no other write between them."""
    at = start
    for change in changes:
        if at is None or change.before != at:
            return False
        at = change.after
    return True


def net(changes: Sequence[Change]) -> tuple[list[Chunk], list[Chunk], list[str]]:
    """(added, removed, replaced doc ids) of several writes in order: a document written and then replaced
    within them (the same file twice) counts as neither added nor kept."""
    added: dict[str, list[Chunk]] = {}
    removed: list[Chunk] = []
    replaced: list[str] = []
    for change in changes:
        for doc_id in change.doc_ids:
            if added.pop(doc_id, None) is None:
                replaced.append(doc_id)
        removed.extend(c for c in change.removed if c.doc_id in replaced)
        for c in change.added:
            added.setdefault(c.doc_id, []).append(c)
    return [c for chunks in added.values() for c in chunks], removed, replaced
