"""Alembic environment for flashdl. Imports only the models.

flashdl runs migrations from code (``flashdl.store.migrate``) and hands its own connection in
``config.attributes["connection"]``; there is no alembic.ini at run time. For development,
``alembic -x url=sqlite:///path revision --autogenerate`` works with a connection made here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from flashdl.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        transactional_ddl=True,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("flashdl does not support offline (SQL script) migrations")
run_migrations_online()
