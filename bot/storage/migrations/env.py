"""Alembic environment: migrations run programmatically (`Database.upgrade`), on the connection
the caller passes in `config.attributes["connection"]`; no alembic.ini is needed at run time.

A new revision: copy the newest file in versions/, give it the next number as `revision` and
the previous one as `down_revision`, and write its upgrade and downgrade. The test suite
checks, on SQLite and PostgreSQL, that the migrated schema matches bot/storage/schema.py.
"""

from __future__ import annotations

from alembic import context

from bot.storage.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through bot.storage.db.Database.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
