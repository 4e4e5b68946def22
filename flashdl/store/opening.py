"""Opening the store: engine, schema check and upgrade, the daily backup.

The one module that puts :mod:`~flashdl.store.db` (engine, sessions), :mod:`~flashdl.store.migrate`
(schema) and :mod:`~flashdl.store.backup` (copies) together, so that none of them imports another
in a circle: ``backup`` knows only files, ``migrate`` uses ``backup``, ``db`` uses neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashdl.store.db import Store


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open the database at ``url`` (default: from config) and bring its schema to head."""
    from sqlalchemy.exc import DBAPIError

    from flashdl import config
    from flashdl.store.db import Store, create_db_engine, server_error_message, sqlite_error_message
    from flashdl.store.migrate import ensure_schema

    url_text = config.database_url(url)
    engine = create_db_engine(url_text)
    store = Store(engine, url_text)
    try:
        if migrate:
            ensure_schema(store)
            if store.is_sqlite:
                from flashdl.store.backup import daily_backup

                daily_backup(store)  # first open of the day only; a directory listing otherwise
    except DBAPIError as exc:
        engine.dispose()
        if store.is_sqlite:
            raise sqlite_error_message(exc, store.display_name) from exc
        raise server_error_message(exc, engine.url) from exc
    except BaseException:
        engine.dispose()
        raise
    return store

