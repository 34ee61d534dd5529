"""The national migrations build exactly the declared tables, partitioned inbox on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from national.db.engine import create_national_engine
from national.db.migrate import not_a_partition
from national.db.tables import Base
from tests.national.conftest import national_database
from tests.server.databases import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migrations_build_exactly_the_tables_the_code_declares(backend, tmp_path):
    with national_database(backend, tmp_path) as url:
        engine = create_national_engine(url)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": not_a_partition}
            )
            assert compare_metadata(context, Base.metadata) == []
            if backend == "postgresql":
                partitions = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_inherits JOIN pg_class parent "
                        "ON parent.oid = inhparent WHERE parent.relname = 'inbox'"
                    )
                ).scalar_one()
                assert partitions == 16
        engine.dispose()
