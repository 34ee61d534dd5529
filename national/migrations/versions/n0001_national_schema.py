"""The national schema: centres, sync state, inbox (partitioned by centre), feed, bookings."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "n0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INBOX_PARTITIONS = 16


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_keys_token_hash")),
    )
    op.create_table(
        "booking_requests",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_booking_requests")),
    )
    op.create_table(
        "bookings",
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=True),
        sa.Column("person_hash", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("id_number_masked", sa.String(length=20), nullable=True),
        sa.Column("attendance", sa.String(length=16), nullable=False),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_bookings")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index("ix_bookings_centre_day", ["centre", "day"], unique=False)
        batch_op.create_index(
            "uq_bookings_person_service_day",
            ["person_hash", "service_code", "day"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )

    op.create_table(
        "centre_day_figures",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("checked_in", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "centre", "day", "service_code", name=op.f("pk_centre_day_figures")
        ),
    )
    op.create_table(
        "centre_services",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_sw", sa.String(length=120), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("fee_kes", sa.Integer(), nullable=True),
        sa.Column("fee_note_en", sa.String(length=200), nullable=True),
        sa.Column("fee_note_sw", sa.String(length=200), nullable=True),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("slot_capacity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("centre", "code", name=op.f("pk_centre_services")),
    )
    op.create_table(
        "centres",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=False),
        sa.Column("credential_rotated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("config_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_centres")),
        sa.UniqueConstraint("credential_hash", name=op.f("uq_centres_credential_hash")),
    )
    op.create_table(
        "changes",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("cursor", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("centre", "cursor", name=op.f("pk_changes")),
    )
    op.create_table(
        "holidays",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_sw", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("centre", "day", name=op.f("pk_holidays")),
    )
    inbox_columns = (
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("centre", "seq", name=op.f("pk_inbox")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Partitioned by centre: the key includes the centre, so each partition's index stays
        # small and a centre's rows can later move to a Citus shard (docs/sync.md).
        op.create_table("inbox", *inbox_columns, postgresql_partition_by="HASH (centre)")
        for remainder in range(INBOX_PARTITIONS):
            op.execute(
                f"CREATE TABLE inbox_p{remainder:02d} PARTITION OF inbox "
                f"FOR VALUES WITH (MODULUS {INBOX_PARTITIONS}, REMAINDER {remainder})"
            )
    else:
        op.create_table("inbox", *inbox_columns)
    op.create_index("ix_inbox_status_centre", "inbox", ["status", "centre"], unique=False)

    op.create_table(
        "notices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=True),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("text_sw", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_centre"), ["centre"], unique=False)

    op.create_table(
        "slot_usage",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("centre", "service_code", "slot_start", name=op.f("pk_slot_usage")),
    )
    op.create_table(
        "sync_state",
        sa.Column("centre", sa.String(length=32), nullable=False),
        sa.Column("acked_through", sa.BigInteger(), nullable=False),
        sa.Column("centre_last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_contact", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feed_cursor", sa.BigInteger(), nullable=False),
        sa.Column("feed_horizon", sa.BigInteger(), nullable=False),
        sa.Column("centre_cursor", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("centre", name=op.f("pk_sync_state")),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
    op.drop_table("slot_usage")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_centre"))

    op.drop_table("notices")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_status_centre")

    op.drop_table("inbox")
    op.drop_table("holidays")
    op.drop_table("changes")
    op.drop_table("centres")
    op.drop_table("centre_services")
    op.drop_table("centre_day_figures")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bookings_person_service_day",
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )
        batch_op.drop_index("ix_bookings_centre_day")

    op.drop_table("bookings")
    op.drop_table("booking_requests")
    op.drop_table("api_keys")
