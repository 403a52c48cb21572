"""The improvement loop: questions the assistant could not answer well (gaps) and the answers an
administrator approved for them (the database layer of the question bank).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approved_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(64), nullable=False, unique=True),
        sa.Column("questions", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("chunk_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("section", sa.String(100), nullable=False, server_default=""),
        sa.Column("anchor", sa.String(200), nullable=False, server_default=""),
        sa.Column("source", sa.String(16), nullable=False, server_default="admin"),
        sa.Column("created_by", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "gaps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False, server_default=""),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("norm", sa.String(200), nullable=False, index=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("approved_id", sa.Integer, sa.ForeignKey("approved_answers.id", ondelete="SET NULL"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("gaps")
    op.drop_table("approved_answers")
