"""Alembic migrations of the ourchat schema, applied by ``ourchat serve`` / ``migrate``."""
