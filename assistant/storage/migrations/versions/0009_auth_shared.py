"""Sign-in state every process sees: signed-out sessions and wrong-password attempts.

``revoked_sessions``: the SHA-256 of a session id signed out before its cookie expired; the guard
refuses that cookie from every process (kept until the cookie would have expired anyway).
``login_failures``: one row per wrong password, keyed by the SHA-256 of ``a:<account>`` or
``i:<ip>``, so the lock-out counts attempts across all processes and replicas.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_sessions",
        sa.Column("sid_hash", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key_hash", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_table("revoked_sessions")
