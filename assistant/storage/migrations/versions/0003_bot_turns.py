"""WeCom 智能机器人 turns: msgid unique (dedupe across reconnects and instances), leased for takeover.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("msgid", sa.String(200), nullable=False, unique=True),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("chat_id", sa.String(128), nullable=False, server_default=""),
        sa.Column("chat_type", sa.String(8), nullable=False, server_default="single"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("stream_id", sa.String(64), nullable=False, server_default="", index=True),
        sa.Column("payload", sa.Text, nullable=True),
        sa.Column("reply", sa.Text, nullable=True),
        sa.Column("response_url", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("lease_until", sa.DateTime, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_bot_turns_status_lease", "bot_turns", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_table("bot_turns")
