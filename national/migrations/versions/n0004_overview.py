"""The national overview: each centre's latest hall summary, national staff and their sessions."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "n0004"
down_revision: str | None = "n0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "centre_summaries",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("longest_wait_minutes", sa.Integer(), nullable=False),
        sa.Column("counters_open", sa.Integer(), nullable=False),
        sa.Column("arrived", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("no_show", sa.Integer(), nullable=False),
        sa.Column("never_called", sa.Integer(), nullable=False),
        sa.Column("wait_count", sa.Integer(), nullable=False),
        sa.Column("wait_sum_seconds", sa.Float(), nullable=False),
        sa.Column("wait_max_seconds", sa.Float(), nullable=True),
        sa.Column("with_target", sa.Integer(), nullable=False),
        sa.Column("within_target", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("centre", "business_day", name=op.f("pk_centre_summaries")),
    )
    op.create_table(
        "national_staff",
        sa.Column("staff_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_number", name=op.f("pk_national_staff")),
    )
    op.create_table(
        "national_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_number", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_number"],
            ["national_staff.staff_number"],
            name=op.f("fk_national_sessions_staff_number_national_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_national_sessions")),
    )
    op.create_index(
        op.f("ix_national_sessions_staff_number"),
        "national_sessions",
        ["staff_number"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_national_sessions_staff_number"), table_name="national_sessions")
    op.drop_table("national_sessions")
    op.drop_table("national_staff")
    op.drop_table("centre_summaries")
