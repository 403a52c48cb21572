"""Documents ingested under 0.1, when the chunk store was a SQLite file of its own (``data/index/chunks.sqlite3``):
copied once into the configured database, so an upgrade keeps them. The file is left as it was."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

from knowledge.doc_kinds import guess
from knowledge.store import ChunkStore, Document
from knowledge.types import Chunk

log = logging.getLogger(__name__)
_MARK = "legacy_imported"


def legacy_path(data_dir: Path) -> Path:
    return data_dir / "index" / "chunks.sqlite3"


def import_legacy(store: ChunkStore, data_dir: Path) -> int:
    """Copy the 0.1 file's ingested documents (not the built-in corpus) into ``store``; returns how many."""
    path = legacy_path(data_dir)
    if not path.is_file() or store.get_meta(_MARK):
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            docs = db.execute("SELECT doc_id, name, content_hash, title FROM documents "
                              "WHERE doc_id NOT LIKE 'builtin:%' ORDER BY added_at").fetchall()
            chunks = {doc_id: db.execute("SELECT id, title, section, text, section_path, metadata FROM chunks "
                                         "WHERE doc_id = ? ORDER BY ord", (doc_id,)).fetchall()
                      for doc_id, *_ in docs}
        finally:
            db.close()
    except sqlite3.Error as exc:  # not a 0.1 store after all: nothing to keep
        log.warning("legacy chunk store unreadable: %s", type(exc).__name__)
        docs, chunks = [], {}
    known = {d.doc_id for d in store.documents()}
    for doc_id, name, content_hash, title in docs:
        if doc_id in known:
            continue
        text = "\n".join(str(row[3]) for row in chunks[doc_id])
        guessed = guess(str(title), text)
        document = Document(str(doc_id), str(name), str(content_hash), str(title), guessed.kind, issuer=guessed.issuer,
                            year=guessed.year, doc_number=guessed.doc_number)
        store.replace(document, [_chunk(str(doc_id), row, document) for row in chunks[doc_id]])
    store.set_meta(_MARK, "1")
    if docs:
        log.warning("moved %d ingested documents from %s into the database", len(docs), path.name)
    return len(docs)


def _chunk(doc_id: str, row: tuple[object, ...], document: Document) -> Chunk:
    metadata = dict(json.loads(str(row[5])))
    metadata["doc_kind"] = document.kind
    if document.year is not None:
        metadata["year"] = str(document.year)
    return Chunk(id=str(row[0]), doc_id=doc_id, title=str(row[1]), section=str(row[2]), text=str(row[3]),
                 section_path=tuple(json.loads(str(row[4]))), metadata=metadata)
