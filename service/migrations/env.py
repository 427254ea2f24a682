"""Alembic's entry point: migrations run on the connection service.migrate hands over."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `motivo db upgrade` (service.migrate), not the alembic CLI")
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
