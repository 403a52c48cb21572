"""The 依申请公开 register: applications, their events and the reminders sent (unique key = once).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("received", sa.Date, nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("applicant_type", sa.String(16), nullable=False),
        sa.Column("applicant_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("handler", sa.String(128), nullable=False, server_default="", index=True),
        sa.Column("agency", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "application_id", sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"),
            nullable=False, index=True,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(128), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("person", sa.String(128), nullable=True),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("after_review", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column(
            "application_id", sa.Integer, sa.ForeignKey("applications.id", ondelete="CASCADE"),
            nullable=False, index=True,
        ),
        sa.Column("to_user", sa.String(128), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("application_events")
    op.drop_table("applications")
