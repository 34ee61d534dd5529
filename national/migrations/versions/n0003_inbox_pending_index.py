"""The processing queue's index: each centre's pending inbox rows in seq order (partial)."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "n0003"
down_revision: str | None = "n0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index(
        "ix_inbox_pending",
        "inbox",
        ["centre", "seq"],
        unique=False,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_pending", table_name="inbox")
