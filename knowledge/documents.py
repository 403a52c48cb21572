"""Managing the knowledge base's documents: list, show, remove, supersede. The CLI and the admin page both
call these, so a bad id gets the same Chinese message everywhere."""

from __future__ import annotations

from typing import Any

from knowledge.doc_kinds import CURRENT, SUPERSEDED, WITHDRAWN, kind_label, status_label
from knowledge.errors import BadInput, NotFound
from knowledge.index import ensure_builtin
from knowledge.store import ChunkStore, Document


def summary(doc: Document) -> dict[str, Any]:
    """The machine interface's record: ``{"id", "title", "kind", "year", "status"}``."""
    return {"id": doc.doc_id, "title": doc.title, "kind": doc.kind, "year": doc.year, "status": doc.status}


def detail(doc: Document) -> dict[str, Any]:
    """Everything the record holds, with the Chinese labels for display."""
    return summary(doc) | {
        "kind_label": kind_label(doc.kind), "status_label": status_label(doc.status), "issuer": doc.issuer,
        "doc_number": doc.doc_number, "superseded_by": doc.superseded_by, "file": doc.name,
        "content_hash": doc.content_hash, "chunks": doc.chunk_count, "builtin": doc.builtin,
    }


def listed(store: ChunkStore) -> list[Document]:
    """The documents a person manages: everything but the built-in question bank (it is not a document)."""
    ensure_builtin(store)  # a fresh database lists (and can supersede) the built-in plan too
    return [d for d in store.documents() if d.kind != "question"]


def lookup(store: ChunkStore, doc_id: str) -> Document:
    ensure_builtin(store)
    doc = store.get(doc_id.strip())
    if doc is None or doc.kind == "question":
        raise NotFound(f"没有编号为「{doc_id.strip()[:80]}」的文档。可用 gongkai docs list 查看文档编号。")
    return doc


def remove(store: ChunkStore, doc_id: str) -> Document:
    """Delete an ingested document and its chunks; it stops answering in every process at once."""
    doc = lookup(store, doc_id)
    if doc.builtin:
        raise BadInput(f"《{doc.title}》是内置文档，不能删除；如已有新版本，请用 gongkai docs supersede 标记为已被替代。")
    store.remove([doc.doc_id])
    return doc


def supersede(store: ChunkStore, doc_id: str, by: str) -> Document:
    """Mark ``doc_id`` superseded by ``by``: it is quoted only when a question names its year."""
    old, new = lookup(store, doc_id), lookup(store, by)
    if old.doc_id == new.doc_id:
        raise BadInput("文档不能被自己替代，请给出新版本文档的编号。")
    if new.status != CURRENT:
        raise BadInput(f"《{new.title}》本身已{status_label(new.status)}，不能用它替代其他文档。")
    store.set_status(old.doc_id, SUPERSEDED, superseded_by=new.doc_id)
    return lookup(store, old.doc_id)


def withdraw(store: ChunkStore, doc_id: str) -> Document:
    """Mark a document withdrawn (撤回、废止): its record stays, it never answers again until restored."""
    doc = lookup(store, doc_id)
    store.set_status(doc.doc_id, WITHDRAWN)
    return lookup(store, doc.doc_id)


def restore(store: ChunkStore, doc_id: str) -> Document:
    """Mark a superseded or withdrawn document current again."""
    doc = lookup(store, doc_id)
    store.set_status(doc.doc_id, CURRENT)
    return lookup(store, doc.doc_id)
