"""The knowledge base moves into the configured database: documents as records (kind, issuer, year, 文号,
status, superseded_by) and their chunks, plus the store's generation row every replica checks.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "kb_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "kb_documents",
        sa.Column("doc_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=False, server_default=""),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("doc_number", sa.String(100), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="current"),
        sa.Column("superseded_by", sa.String(64), nullable=True),
        sa.Column("chunk_count", sa.Integer, nullable=False),
        sa.Column("added_at", sa.Float, nullable=False),
    )
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column(
            "doc_id", sa.String(64), sa.ForeignKey("kb_documents.doc_id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("section", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("section_path", sa.Text, nullable=False),
        sa.Column("metadata", sa.Text, nullable=False),
    )
    op.create_index("ix_kb_chunks_doc_ord", "kb_chunks", ["doc_id", "ord"])
    # writers lock this row to take turns; it must exist before the first write
    op.bulk_insert(meta, [{"key": "generation", "value": "0"}])


def downgrade() -> None:
    op.drop_index("ix_kb_chunks_doc_ord", table_name="kb_chunks")
    op.drop_table("kb_chunks")
    op.drop_table("kb_documents")
    op.drop_table("kb_meta")
