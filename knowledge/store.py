"""The chunk store: documents (first-class records) and their chunks in the configured database.

The tables live in the same database as everything else (``ASSISTANT_DATABASE_URL``: SQLite under the
data directory by default, PostgreSQL when several replicas share one corpus); the alembic migration
``0007_documents`` creates them, and the assistant hands this store an engine whose schema is current.
Every change bumps the store's generation (a row in ``kb_meta``) so every process notices it with one
cheap read per question. Reads of the generation and of the document catalogue go through a raw DBAPI
connection: no transaction, so they never queue behind SQLite's write lock.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from knowledge.doc_kinds import CURRENT
from knowledge.types import Chunk

metadata = MetaData()

kb_meta = Table(
    "kb_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
kb_documents = Table(
    "kb_documents", metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("issuer", String(200), nullable=False, server_default=""),
    Column("year", Integer, nullable=True),
    Column("doc_number", String(100), nullable=False, server_default=""),
    Column("status", String(16), nullable=False, server_default=CURRENT),
    Column("superseded_by", String(64), nullable=True),
    Column("chunk_count", Integer, nullable=False),
    Column("added_at", Float, nullable=False),
)
kb_chunks = Table(
    "kb_chunks", metadata,
    Column("id", String(200), primary_key=True),
    Column("doc_id", String(64), ForeignKey("kb_documents.doc_id", ondelete="CASCADE"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("section", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("section_path", Text, nullable=False),
    Column("metadata", Text, nullable=False),
)

# the text of a document read as a plan (knowledge/plans.py re-parses it in every process)
kb_plan_texts = Table(
    "kb_plan_texts", metadata,
    Column("doc_id", String(64), ForeignKey("kb_documents.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("text", Text, nullable=False),
)
# the admin's decisions on units that held plans name but the unit list lacks (knowledge/proposals.py)
kb_unit_decisions = Table(
    "kb_unit_decisions", metadata,
    Column("name", String(100), primary_key=True),
    Column("decision", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("aliases", Text, nullable=False),
    Column("decided_at", Float, nullable=False),
)

_DOC_COLUMNS = ("doc_id", "name", "content_hash", "title", "kind", "chunk_count", "issuer", "year",
                "doc_number", "status", "superseded_by", "added_at")


@dataclass(frozen=True)
class Change:
    """One write: the store's generation before and after it, the documents whose chunks it replaced (removed,
    or rewritten) with those chunks, and the chunks it added. An index at ``before`` reaches ``after``
    with this alone."""

    before: str | None
    after: str
    doc_ids: tuple[str, ...] = ()
    removed: tuple[Chunk, ...] = ()
    added: tuple[Chunk, ...] = ()


@dataclass(frozen=True)
class Document:
    """One document of the knowledge base: what it is (kind, issuer, year, 文号) and whether it is in force."""

    doc_id: str
    name: str
    content_hash: str
    title: str
    kind: str  # an ASCII code of knowledge.doc_kinds.KINDS
    chunk_count: int = 0
    issuer: str = ""
    year: int | None = None
    doc_number: str = ""
    status: str = CURRENT  # knowledge.doc_kinds.STATUSES
    superseded_by: str | None = None
    added_at: float = 0.0

    @property
    def builtin(self) -> bool:
        return self.doc_id.startswith("builtin:")


class ChunkStore:
    """Documents and their chunks in the configured database. Each method is its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- cheap reads (no transaction) ------------------------------------------------------------
    def _raw(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self.engine.raw_connection()
        try:
            cur = conn.cursor()
            marker = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
            cur.execute(sql.replace("?", marker), params)
            rows = [tuple(r) for r in cur.fetchall()]
            cur.close()
            if self.engine.dialect.name != "sqlite":
                conn.rollback()  # end the implicit read transaction before the connection goes back
            return rows
        finally:
            conn.close()

    def get_meta(self, key: str) -> str | None:
        rows = self._raw("SELECT value FROM kb_meta WHERE key = ?", (key,))
        return None if not rows else str(rows[0][0])

    @property
    def generation(self) -> str | None:
        """Changes with every write: a process compares it with the one its index was built from."""
        return self.get_meta("generation")

    def documents(self) -> list[Document]:
        """Every document, in the order added (the built-in corpus first)."""
        rows = self._raw(f"SELECT {', '.join(_DOC_COLUMNS)} FROM kb_documents ORDER BY added_at, doc_id")
        return [Document(**dict(zip(_DOC_COLUMNS, row, strict=True))) for row in rows]

    def get(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents() if d.doc_id == doc_id), None)

    def find(self, *, content_hash: str, name: str) -> list[Document]:
        """Documents that a new upload replaces: the same content, or an earlier version of the same file."""
        return [d for d in self.documents() if d.content_hash == content_hash or (name and d.name == name)]

    def chunks(self, doc_ids: Sequence[str] | None = None) -> list[Chunk]:
        """Every chunk (or those of ``doc_ids``), built-in corpus first, then ingested documents in the
        order they were added."""
        query = _chunk_query()
        if doc_ids is not None:
            if not doc_ids:
                return []
            query = query.where(kb_chunks.c.doc_id.in_(list(doc_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_chunk(r) for r in rows]

    # --- writes ----------------------------------------------------------------------------------
    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            _lock(conn)
            _put_meta(conn, key, value)

    def replace(self, document: Document, chunks: Sequence[Chunk], *, remove: Sequence[str] = (),
                plan_text: str | None = None) -> Change:
        """Write a document and its chunks (and, for a plan, its text), deleting ``remove`` (and any older
        copy) in the same transaction: no process sees the chunks of a plan without the plan.

        A document rewritten under its own id (the built-in corpus after an upgrade) keeps its status.
        Returns the generations before and after, read inside the transaction: a process whose index
        files are at ``before`` can bring them to ``after`` with this write alone.
        """
        with self.engine.begin() as conn:
            before, after = _bump_generation(conn)
            kept = conn.execute(select(kb_documents.c.status, kb_documents.c.superseded_by)
                                .where(kb_documents.c.doc_id == document.doc_id)).first()
            ids = sorted({*remove, document.doc_id})
            removed = [_chunk(r) for r in conn.execute(_chunk_query().where(kb_chunks.c.doc_id.in_(ids)))]
            conn.execute(delete(kb_plan_texts).where(kb_plan_texts.c.doc_id.in_(ids)))
            conn.execute(delete(kb_chunks).where(kb_chunks.c.doc_id.in_(ids)))
            conn.execute(delete(kb_documents).where(kb_documents.c.doc_id.in_(ids)))
            row = {k: getattr(document, k) for k in _DOC_COLUMNS}
            row |= {"chunk_count": len(chunks), "added_at": time.time()}
            if kept is not None:
                row |= {"status": kept[0], "superseded_by": kept[1]}
            conn.execute(insert(kb_documents), [row])
            if chunks:
                conn.execute(insert(kb_chunks), [
                    {"id": c.id, "doc_id": document.doc_id, "ord": n, "title": c.title, "section": c.section,
                     "text": c.text, "section_path": json.dumps(list(c.section_path), ensure_ascii=False),
                     "metadata": json.dumps(c.metadata, ensure_ascii=False)}
                    for n, c in enumerate(chunks)
                ])
            if plan_text is not None:
                conn.execute(insert(kb_plan_texts).values(doc_id=document.doc_id, text=plan_text))
        return Change(before, after, tuple(ids), tuple(removed), tuple(chunks))

    def remove(self, doc_ids: Sequence[str]) -> None:
        with self.engine.begin() as conn:
            _bump_generation(conn)
            conn.execute(delete(kb_plan_texts).where(kb_plan_texts.c.doc_id.in_(list(doc_ids))))
            conn.execute(delete(kb_chunks).where(kb_chunks.c.doc_id.in_(list(doc_ids))))
            conn.execute(update(kb_documents).where(kb_documents.c.superseded_by.in_(list(doc_ids)))
                         .values(superseded_by=None))
            conn.execute(delete(kb_documents).where(kb_documents.c.doc_id.in_(list(doc_ids))))

    def set_status(self, doc_id: str, status: str, *, superseded_by: str | None = None) -> None:
        """Mark a document current, superseded (by another) or withdrawn; answers follow at once."""
        with self.engine.begin() as conn:
            _bump_generation(conn)
            conn.execute(update(kb_documents).where(kb_documents.c.doc_id == doc_id)
                         .values(status=status, superseded_by=superseded_by))


    # --- plans and the units they propose ------------------------------------------------------------
    def plan_texts(self) -> dict[str, str]:
        """The text of every document read as a plan, by doc_id."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(kb_plan_texts.c.doc_id, kb_plan_texts.c.text)).all()
        return {r[0]: r[1] for r in rows}

    def unit_decisions(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """The admin's decisions on proposed units: (name, accepted|rejected, kind, aliases), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(kb_unit_decisions.c.name, kb_unit_decisions.c.decision, kb_unit_decisions.c.kind,
                                       kb_unit_decisions.c.aliases).order_by(kb_unit_decisions.c.decided_at)).all()
        return [(r[0], r[1], r[2], tuple(json.loads(r[3]))) for r in rows]

    def decide_unit(self, name: str, *, decision: str, kind: str, aliases: Sequence[str] = ()) -> None:
        """Record (or change) the decision on a proposed unit; every process's registry follows."""
        with self.engine.begin() as conn:
            _bump_generation(conn)
            conn.execute(delete(kb_unit_decisions).where(kb_unit_decisions.c.name == name))
            conn.execute(insert(kb_unit_decisions).values(
                name=name, decision=decision, kind=kind, aliases=json.dumps(list(aliases), ensure_ascii=False),
                decided_at=time.time()))


def _chunk_query() -> Any:
    return (select(kb_chunks.c.id, kb_chunks.c.doc_id, kb_chunks.c.title, kb_chunks.c.section,
                   kb_chunks.c.text, kb_chunks.c.section_path, kb_chunks.c.metadata)
            .join(kb_documents, kb_documents.c.doc_id == kb_chunks.c.doc_id)
            .order_by(kb_documents.c.added_at, kb_chunks.c.doc_id, kb_chunks.c.ord))


def _chunk(r: Any) -> Chunk:
    return Chunk(id=r[0], doc_id=r[1], title=r[2], section=r[3], text=r[4],
                 section_path=tuple(json.loads(r[5])), metadata=dict(json.loads(r[6])))


def _lock(conn: Any) -> None:
    """Writers queue on the generation row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises), so
    two replicas writing the built-in corpus at the same moment take turns instead of colliding."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(kb_meta.c.value).where(kb_meta.c.key == "generation").with_for_update())


def _put_meta(conn: Any, key: str, value: str) -> None:
    changed = conn.execute(update(kb_meta).where(kb_meta.c.key == key).values(value=value)).rowcount
    if not changed:
        conn.execute(insert(kb_meta).values(key=key, value=value))


def _bump_generation(conn: Any) -> tuple[str | None, str]:
    """Every change gets a new generation, so running servers (every replica) notice it."""
    _lock(conn)  # PostgreSQL: the row lock; SQLite: the transaction began IMMEDIATE, so nobody writes between
    before = conn.execute(select(kb_meta.c.value).where(kb_meta.c.key == "generation")).scalar()
    after = uuid.uuid4().hex
    _put_meta(conn, "generation", after)
    return before, after
