"""Opening the store: engine, per-connection pragmas, schema upgrade, sessions.

SQLite durability: every connection runs in WAL mode with ``synchronous=FULL``. In WAL mode,
NORMAL already survives a killed process, but FULL also survives a power cut or an OS crash,
and a learner's answer is the one thing flashdl must never lose; a commit costs about a
millisecond more (see the README's benchmark). Write transactions start with
``BEGIN IMMEDIATE`` so that two flashdl processes on one file queue on the busy timeout instead of
failing with "database is locked" when both try to upgrade a read lock to a write lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashdl.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 30_000
#: The PostgreSQL advisory lock key that serialises flashdl's write transactions ("flashdl").
PG_WRITE_LOCK = 0x666C617368646C


def busy_timeout_ms() -> int:
    """How long a write waits for another process's write to finish (FLASHDL_BUSY_TIMEOUT_MS)."""
    import os

    try:
        return max(0, int(os.environ.get("FLASHDL_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)))
    except ValueError:
        return BUSY_TIMEOUT_MS


def _sqlite_path(url: Any) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


#: How long connecting to a database server may take before flashdl gives up (seconds);
#: ``?connect_timeout=N`` in the URL (or PGCONNECT_TIMEOUT) overrides it.
CONNECT_TIMEOUT_S = 10


def _server_connect_args(url: URL) -> dict[str, Any]:
    """A connect timeout for PostgreSQL unless the URL or the environment sets one: a server
    that accepts the connection and never answers must not hang flashdl forever."""
    import os

    if url.get_backend_name() != "postgresql":
        return {}
    if "connect_timeout" in url.query or os.environ.get("PGCONNECT_TIMEOUT"):
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT_S}


def server_error_message(exc: BaseException, url: URL) -> StoreError:
    """One clear line for a database server that could not be reached or used."""
    text = str(getattr(exc, "orig", exc)).strip()
    where = url.render_as_string(hide_password=True)
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "timeout" in text.lower() or "timed out" in text.lower():
        seconds = url.query.get("connect_timeout") or CONNECT_TIMEOUT_S
        return StoreError(
            f"the database server {server} did not answer within {seconds} s ({where})",
            hint="check that the server is up and reachable; add ?connect_timeout=SECONDS to the "
            "URL to wait longer",
        )
    first = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"cannot open the database {where}: {first}")


def create_db_engine(url_text: str | URL) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StoreError(
            f"the database URL {url_text!r} is not valid",
            hint="use e.g. sqlite:////path/to/flashdl.sqlite3 or postgresql+psycopg://user@host/db",
        ) from exc

    if url.get_backend_name() != "sqlite":
        try:
            engine = create_engine(url, pool_pre_ping=True, connect_args=_server_connect_args(url))
        except Exception as exc:  # missing driver, bad options
            raise StoreError(f"cannot use the database {url.render_as_string()}: {exc}") from exc
        if url.get_backend_name() == "postgresql":

            @event.listens_for(engine, "begin")
            def _on_pg_begin(connection: Any) -> None:
                # PostgreSQL's BEGIN IMMEDIATE: one flashdl writer at a time, the others wait.
                # Without it, two machines reading the same row under READ COMMITTED both act
                # on what they read (two first answers to one card, two inserts of one deck,
                # two schema upgrades). Held until commit or rollback.
                if not connection.get_execution_options().get("flashdl_readonly"):
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

        return engine

    path = _sqlite_path(url)
    timeout_ms = busy_timeout_ms()
    if path is not None:
        # Before the first connection: its set-up below switches the file to WAL, which must
        # never happen to another program's database.
        from flashdl.store.ownership import foreign_database_error
        from flashdl.store.sqlite_file import inspect_file

        schema = inspect_file(path, timeout=timeout_ms / 1000)
        problem = schema and foreign_database_error(schema.tables, f"the database {path}")
        if problem:
            raise problem
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the data folder {path.parent}: {exc.strerror}",
                hint="set FLASHDL_HOME to a writable folder",
            ) from exc
    engine = create_engine(url, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # flashdl issues BEGIN itself (below); the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
            if path is not None:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("flashdl_readonly"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def sqlite_error_message(exc: BaseException, where: str) -> StoreError:
    text = str(getattr(exc, "orig", exc))
    if "locked" in text or "busy" in text:
        return StoreError(
            f"the database {where} is locked by another program",
            hint="close the other flashdl (or whatever holds it) and try again",
        )
    if "is full" in text or "disk I/O" in text:
        from flashdl.store.sqlite_file import describe_os_error

        return StoreError(
            f"cannot write to the database {where}: {describe_os_error(exc, Path(where))}",
            hint="free some space on that disk (or set FLASHDL_HOME to another folder) and try "
            "again; nothing half-written was kept",
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(
            f"the database {where} is read-only", hint="check its permissions or set FLASHDL_HOME"
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreError(
            f"the file {where} is not a flashdl database or is damaged",
            hint="run `flashdl doctor`, restore a backup with `flashdl restore`, or point FLASHDL_DB elsewhere",
        )
    if "unable to open" in text:
        return StoreError(
            f"cannot open the database {where}",
            hint="check that the folder exists and is writable, or set FLASHDL_HOME",
        )
    return StoreError(f"database error on {where}: {text}")


class Store:
    """An open, up-to-date database."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._readonly_engine = engine.execution_options(flashdl_readonly=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return _sqlite_path(self.engine.url) if self.is_sqlite else None

    @property
    def display_name(self) -> str:
        path = self.sqlite_path
        return str(path) if path else self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE on SQLite), committed on a clean exit."""
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.orm import Session

        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as exc:
            raise sqlite_error_message(exc, self.display_name) from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (a deferred BEGIN, so it never blocks writers)."""
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.orm import Session

        try:
            # close() (at the end of the with) ends the transaction without expiring what was
            # loaded, so rows read here stay usable afterwards.
            with Session(self._readonly_engine, expire_on_commit=False) as session:
                yield session
        except OperationalError as exc:
            raise sqlite_error_message(exc, self.display_name) from exc

    def close(self) -> None:
        if self.is_sqlite:
            # Fold the WAL back into the main file so a copy of the .sqlite3 alone is complete.
            with contextlib.suppress(Exception):
                with self.engine.connect() as conn:
                    conn.connection.dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
