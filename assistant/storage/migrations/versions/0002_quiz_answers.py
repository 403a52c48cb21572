"""Quiz answers: one row per graded answer, for the trainers' report per member and plan section.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(128), nullable=False, index=True),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("set_name", sa.String(128), nullable=False),
        sa.Column("title", sa.String(128), nullable=False, server_default=""),
        sa.Column("section", sa.String(64), nullable=False, server_default=""),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("quiz_answers")
