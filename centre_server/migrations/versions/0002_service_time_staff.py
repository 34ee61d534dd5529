"""Who served each finished stage: `service_times.staff_number` (a staff member's figures)."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_times", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_number", sa.String(length=32), nullable=True))
        batch_op.create_index(
            "ix_service_times_staff_number_finished_at",
            ["staff_number", "finished_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("service_times", schema=None) as batch_op:
        batch_op.drop_index("ix_service_times_staff_number_finished_at")
        batch_op.drop_column("staff_number")
