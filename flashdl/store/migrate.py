"""Bring a database to the newest schema, safely.

Alembic is imported only when an upgrade is actually needed: a database already at
:data:`SCHEMA_HEAD` is recognised with one query. ``tests/test_migrations.py`` checks that
:data:`SCHEMA_HEAD` is Alembic's one head.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flashdl.errors import StoreError

if TYPE_CHECKING:
    from flashdl.store.db import Store

#: The newest revision in ``migrations/versions``. Update it with every new revision.
SCHEMA_HEAD = "0005_scheduler"


def current_revision(store: Store) -> str | None:
    from sqlalchemy import inspect, text

    with store.engine.connect().execution_options(flashdl_readonly=True) as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def table_names(store: Store) -> set[str]:
    from sqlalchemy import inspect

    with store.engine.connect().execution_options(flashdl_readonly=True) as conn:
        return set(inspect(conn).get_table_names())


def has_user_tables(store: Store) -> bool:
    return bool(table_names(store) - {"alembic_version"})


def alembic_config() -> Any:
    from alembic.config import Config

    from flashdl.resources import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def upgrade(store: Store, target: str = "head") -> None:
    """Run Alembic's upgrade on the store's own connection (foreign keys off on SQLite)."""
    from alembic import command

    cfg = alembic_config()
    with store.engine.connect() as conn:
        raw = conn.connection.dbapi_connection if store.is_sqlite else None
        if raw is not None:
            # Batch migrations rebuild tables; that must not cascade. Outside any transaction.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
            if conn.in_transaction():
                conn.commit()
            if raw is not None:
                problems = raw.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise StoreError(f"the upgrade left {len(problems)} broken references")
        finally:
            if raw is not None:
                if conn.in_transaction():
                    conn.rollback()
                raw.execute("PRAGMA foreign_keys=ON")


def ensure_schema(store: Store) -> None:
    """Create an empty database at head, or upgrade an older one with a backup taken first."""
    from flashdl.store.ownership import foreign_database_error

    revision = current_revision(store)
    if revision == SCHEMA_HEAD:
        return
    tables = table_names(store)
    problem = foreign_database_error(tables, f"the database {store.display_name}")
    if problem is not None:  # another program's tables: refused before anything is created
        raise problem
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"the database {store.display_name} was made by a newer flashdl "
            f"(schema {revision}); this one knows up to {SCHEMA_HEAD}",
            hint="upgrade flashdl (pip install -U flashdl); the database was not touched",
        )
    backup = None
    path = store.sqlite_path
    if path is not None and revision is not None and tables - {"alembic_version"}:
        from flashdl import config
        from flashdl.store.backup import backup_sqlite

        backup = backup_sqlite(path, config.backups_dir(), f"before-upgrade-{revision}")
    try:
        upgrade(store)
    except Exception as exc:
        if backup is not None and path is not None:
            from flashdl.store.backup import restore_sqlite

            store.engine.dispose()
            restore_sqlite(backup, path)
            raise StoreError(
                f"upgrading the database {path} failed ({exc}); it was restored from {backup}",
                hint="report this bug; your data is as it was before",
            ) from exc
        raise
