"""What the centre server and the national service share beneath them: database and HTTP plumbing.

Neither service may import the other; both stand on `centre_core` for the domain and on this
package for the infrastructure they would otherwise each write again (aware UTC columns, the
SQLite durability settings, the Alembic environment, the error envelope).
"""
