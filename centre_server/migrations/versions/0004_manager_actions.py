"""The manager's actions: the audit trail, service notices, today's service and counter state."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index("ix_audit_at", "audit", ["at"], unique=False)
    op.create_table(
        "service_notices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=True),
        sa.Column("text_en", sa.String(length=400), nullable=False),
        sa.Column("text_sw", sa.String(length=400), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=64), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_notices")),
    )
    op.create_index(
        op.f("ix_service_notices_cleared_at"), "service_notices", ["cleared_at"], unique=False
    )
    op.create_table(
        "service_days",
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("closed_reason", sa.String(length=200), nullable=True),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("business_day", "service_code", name=op.f("pk_service_days")),
    )
    op.create_table(
        "counter_services",
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("counter_code", sa.String(length=32), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("business_day", "counter_code", name=op.f("pk_counter_services")),
    )


def downgrade() -> None:
    op.drop_table("counter_services")
    op.drop_table("service_days")
    op.drop_index(op.f("ix_service_notices_cleared_at"), table_name="service_notices")
    op.drop_table("service_notices")
    op.drop_index("ix_audit_at", table_name="audit")
    op.drop_table("audit")
