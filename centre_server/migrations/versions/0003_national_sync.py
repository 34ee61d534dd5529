"""The national link: a gapless `outbox.out_seq`, the centre's sync state, versioned bookings."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("centre_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_out_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
    # Rows written before this revision keep their order and get seqs 1..n.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("out_seq", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE outbox SET out_seq = (SELECT COUNT(*) FROM outbox AS o2 WHERE o2.id <= outbox.id)"
    )
    op.execute("UPDATE centre_state SET last_out_seq = (SELECT COUNT(*) FROM outbox)")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_sent_at_id")
        batch_op.drop_constraint("pk_outbox", type_="primary")
        batch_op.drop_column("id")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("attempts")
        batch_op.alter_column("out_seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_primary_key("pk_outbox", ["out_seq"])
    with op.batch_alter_table("centre_state", schema=None) as batch_op:
        batch_op.alter_column("last_out_seq", server_default=None)
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("acked_through", sa.BigInteger(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("last_contact", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("config", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.execute("INSERT INTO sync_state (id, acked_through, cursor) VALUES (1, 0, 0)")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column(
                "booking_status", sa.String(length=16), nullable=False, server_default="booked"
            )
        )
        batch_op.add_column(
            sa.Column("attendance", sa.String(length=16), nullable=False, server_default="none")
        )
        batch_op.add_column(
            sa.Column("follow_up", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE appointments SET booking_status = 'cancelled' WHERE status = 'cancelled'")
    op.execute("UPDATE appointments SET attendance = 'checked_in' WHERE status = 'checked_in'")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        for column in ("version", "booking_status", "attendance", "follow_up"):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        for column in ("follow_up", "attendance", "booking_status", "channel", "version"):
            batch_op.drop_column(column)
    op.drop_table("sync_state")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("pk_outbox", type_="primary")
        batch_op.add_column(sa.Column("id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE outbox SET id = out_seq")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("out_seq")
        batch_op.alter_column("id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_primary_key("pk_outbox", ["id"])
        batch_op.create_index("ix_outbox_sent_at_id", ["sent_at", "id"], unique=False)
    with op.batch_alter_table("centre_state", schema=None) as batch_op:
        batch_op.drop_column("last_out_seq")
