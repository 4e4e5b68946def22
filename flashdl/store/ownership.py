"""Whose database is this? flashdl writes only to a database that is empty or flashdl's own.

``flashdl --db sqlite:///someone-elses.sqlite3`` used to add flashdl's tables to another
program's file (and switch it to WAL). A database that already has tables but no flashdl schema
is now refused before anything touches it, with a message that says whose it looks like: an Anki
collection gets the advice to export an ``.apkg`` from Anki and ``flashdl import`` that.

Pure: table names in, an error (or None) out. The SQLite file is read for it by
:func:`flashdl.store.sqlite_file.inspect_file` before any connection changes it; PostgreSQL is
checked by the schema upgrade before it creates anything.
"""

from __future__ import annotations

from collections.abc import Collection

from flashdl.errors import StoreError

#: Tables every flashdl database has, whatever its schema revision.
REQUIRED_TABLES = frozenset({"alembic_version", "decks", "cards", "review_states", "review_log"})
#: The tables of an Anki collection (every schema version since 2.0).
ANKI_TABLES = frozenset({"col", "notes", "cards", "revlog"})


def is_flashdl_schema(tables: Collection[str]) -> bool:
    return REQUIRED_TABLES <= set(tables)


def foreign_database_error(tables: Collection[str], where: str) -> StoreError | None:
    """None if flashdl may use the database with these tables (none yet, or flashdl's own);
    otherwise the error that says whose it looks like and what to do."""
    own = {t for t in tables if not t.startswith(("sqlite_", "pg_"))}
    if not own or own == {"alembic_version"} or is_flashdl_schema(own):
        return None
    if ANKI_TABLES <= own:
        return StoreError(
            f"{where} is an Anki collection, not a flashdl database; it was not changed",
            hint="in Anki, use File > Export to make an .apkg and run `flashdl import FILE.apkg`",
        )
    listed = ", ".join(sorted(own)[:5]) + (", ..." if len(own) > 5 else "")
    return StoreError(
        f"{where} belongs to another program (its tables: {listed}), not to flashdl; "
        "it was not changed",
        hint="point --db or FLASHDL_DB at a new file (flashdl creates it) or at a flashdl database",
    )
