"""Outbox delivery you can prove: which rows may already have reached WeCom, and since when a row is queued.

``in_flight``: a sender claimed the row and has not recorded an outcome yet. A claim that finds it
still set knows the previous sender died (or lost its database) after it may have sent the message,
so it sets ``maybe_sent``, which never clears: every later send of the row asks WeCom to drop it if it
already arrived (enable_duplicate_check). ``queued_at`` starts the delivery time budget (reset by
``gongkai outbox --retry``).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("in_flight", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("maybe_sent", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("queued_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("queued_at")
        batch.drop_column("maybe_sent")
        batch.drop_column("in_flight")
