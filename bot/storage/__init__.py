"""Storage: SQLAlchemy models, repository functions and the Alembic migrations (in
`migrations/`, run programmatically). Core: it never imports a transport."""

from bot.storage.db import Database, StorageError, database_url, open_database

__all__ = ["Database", "StorageError", "database_url", "open_database"]
