"""The national service's database: engine, tables, migrations and its one write path."""
