"""Plans by year: the text of every ingested document read as a plan (any process re-parses it), and the
admin's decisions on the units those plans name that the county's unit list does not know.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_plan_texts",
        sa.Column(
            "doc_id", sa.String(64), sa.ForeignKey("kb_documents.doc_id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "kb_unit_decisions",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),
        sa.Column("decided_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kb_unit_decisions")
    op.drop_table("kb_plan_texts")
