"""Database access: engine, tables, migrations glue and the write transaction."""
