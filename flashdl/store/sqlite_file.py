"""The SQLite file on disk: the one place that turns a path into a URL, and that looks at a file
before anything opens it for writing.

A path is never pasted into a URL. ``sqlite:///`` + ``/tmp/a#b/x`` is read by SQLAlchemy as the
file ``/tmp/a`` with a fragment, ``?`` starts a query string, and ``%25`` is decoded to ``%``; in a
``file:`` URI for :mod:`sqlite3` the same characters also cut the path short (a backup of
``/tmp/a#b/x`` read ``/tmp/a`` and created it). :func:`sqlite_url` and :func:`sqlite_uri` quote
every character that means something in a URL, so any folder name works.

:func:`inspect_file` reads the schema of an existing file through a read-only connection: no
journal-mode switch, no ``-wal`` file, not a byte written. The store calls it before its own
connections (whose set-up switches the file to WAL) touch the file.

Pure standard library plus SQLAlchemy's URL object; no engine, no store.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from flashdl.errors import StoreError


def sqlite_url(path: Path | str) -> str:
    """The SQLAlchemy URL of the SQLite file ``path``, with the path quoted."""
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=os.fspath(path)).render_as_string()


def sqlite_uri(path: Path | str, **params: str) -> str:
    """A ``file:`` URI for :func:`sqlite3.connect` (``uri=True``) naming exactly ``path``."""
    absolute = os.path.abspath(os.fspath(path))
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
    return "file://" + quote(absolute, safe="/") + (f"?{query}" if query else "")


def connect_readonly(path: Path | str, *, timeout: float = 30.0) -> sqlite3.Connection:
    """A read-only connection to the existing file ``path`` (never creates it)."""
    return sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True, timeout=timeout)


@dataclasses.dataclass(frozen=True)
class FileSchema:
    """What an existing SQLite file holds: its table names and flashdl revision, if any."""

    tables: frozenset[str]
    revision: str | None


def check_regular_file(path: Path, what: str = "database") -> bool:
    """Whether ``path`` exists; StoreError if it exists but is not a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StoreError(f"cannot open the {what} {path}: {exc.strerror or exc}",
                         hint="check the path and its permissions, or set FLASHDL_HOME") from exc
    if stat.S_ISDIR(mode):
        raise StoreError(f"the {what} path {path} is a folder, not a file",
                         hint="point FLASHDL_DB (or --db) at a file, or move the folder away")
    if not stat.S_ISREG(mode):
        raise StoreError(f"the {what} path {path} is not a regular file",
                         hint="point FLASHDL_DB (or --db) at a file in a normal folder")
    return True


SQLITE_MAGIC = b"SQLite format 3\x00"


def inspect_file(path: Path, *, timeout: float = 30.0) -> FileSchema | None:
    """The tables of the existing file ``path`` (None if there is no such file or it is empty).

    Read-only: the file, its journal mode and its folder are left exactly as they were (a WAL
    file that no connection has open is read as ``immutable``, so not even an empty ``-wal`` or
    ``-shm`` appears beside it). A file that is not an SQLite database is a StoreError.
    """
    if not check_regular_file(path):
        return None
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read the database {path}: {exc.strerror or exc}",
                         hint="check its permissions, or set FLASHDL_HOME") from exc
    if not header:
        return None
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError(
            f"the file {path} is not a flashdl database (not an SQLite file at all)",
            hint="point FLASHDL_DB (or --db) at a flashdl database, or move the file away",
        )
    wal_mode = len(header) > 19 and header[18] == 2
    unused = wal_mode and not path.with_name(path.name + "-wal").exists()
    try:
        conn = sqlite3.connect(
            sqlite_uri(path, mode="ro", **({"immutable": "1"} if unused else {})),
            uri=True, timeout=timeout,
        )
        try:
            tables = frozenset(
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            )
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version LIMIT 1").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise StoreError(f"the database {path} is locked by another program",
                             hint="close the other program and try again") from exc
        raise StoreError(
            f"the file {path} is not a flashdl database or is damaged ({text})",
            hint="run `flashdl doctor`, restore a backup with `flashdl restore`, "
            "or point FLASHDL_DB elsewhere",
        ) from exc
    return FileSchema(tables=tables, revision=revision)


def describe_os_error(exc: BaseException, where: Path) -> str:
    """What went wrong writing into ``where`` (a folder or a file in it), in words: a full disk
    and a read-only file system are named as such, where SQLite only says "disk I/O error" or
    "unable to open database file"."""
    import errno
    import shutil

    code = getattr(exc, "errno", None)
    text = str(getattr(exc, "orig", exc))
    folder = where if where.is_dir() else where.parent
    if code == errno.ENOSPC or "is full" in text:
        return "the disk is full"
    if code == errno.EROFS:
        return "the folder is on a read-only file system"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if isinstance(exc, sqlite3.Error) or "disk I/O" in text or "unable to open" in text:
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                return "the folder is on a read-only file system"
            if shutil.disk_usage(folder).free < 1024 * 1024:
                return "the disk is full"
        except OSError:
            pass
        if "disk I/O" in text or "unable to open" in text:
            return f"{text} (is the folder writable?)"
    return getattr(exc, "strerror", None) or text
