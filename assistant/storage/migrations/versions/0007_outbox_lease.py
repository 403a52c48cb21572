"""Outbox fencing: ``lease`` is the token of the claim that holds a row.

Every claim writes a new token; the holder's later writes (the stamp before a send, retry, defer,
failure, release) only apply while the row still carries its token. A sender that stalled past its
lease and lost the row to another sender can then neither send it as a first send nor overwrite what
its successor recorded.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("lease")
