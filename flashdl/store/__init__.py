"""The store: SQLAlchemy models, engine and pragmas, migrations, queries.

Importing this package is cheap; SQLAlchemy and Alembic load when a database is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashdl.store.db import Store


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    from flashdl.store.opening import open_store as _open

    return _open(url, migrate=migrate)


__all__ = ["open_store"]
