"""Where flashdl keeps its data, and the user's settings.

``FLASHDL_HOME=DIR`` moves everything (database, backups, config, media) to DIR; otherwise the
platform's user-data directory is used. ``FLASHDL_DB`` (or ``--db``) takes any SQLAlchemy URL and
overrides only the database.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Any

from flashdl.errors import UsageError

DB_FILENAME = "flashdl.sqlite3"
CONFIG_FILENAME = "config.toml"


def data_dir() -> Path:
    home = os.environ.get("FLASHDL_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("flashdl", appauthor=False))


def backups_dir() -> Path:
    return data_dir() / "backups"


def media_dir() -> Path:
    return data_dir() / "media"


def config_path() -> Path:
    return data_dir() / CONFIG_FILENAME


def database_url(cli_url: str | None = None) -> str:
    """The database URL: ``--db``, then ``FLASHDL_DB``, then the SQLite file in the data dir."""
    url = cli_url or os.environ.get("FLASHDL_DB")
    if url:
        return url
    from flashdl.store.sqlite_file import sqlite_url

    return sqlite_url(data_dir() / DB_FILENAME)


@dataclasses.dataclass(frozen=True)
class Limits:
    new_per_day: int = 20
    reviews_per_day: int = 200


@dataclasses.dataclass(frozen=True)
class BackupPolicy:
    keep_daily: int = 10
    keep_weekly: int = 8


@dataclasses.dataclass(frozen=True)
class Settings:
    """Contents of ``config.toml``. Every key is optional.

    ```toml
    [limits]
    new_per_day = 20
    reviews_per_day = 200

    [decks.dropout]        # per-deck overrides, by deck id
    new_per_day = 5

    [backups]
    keep_daily = 10
    keep_weekly = 8

    [import]
    max_bytes = 209715200
    ```
    """

    limits: Limits = Limits()
    deck_limits: dict[str, Limits] = dataclasses.field(default_factory=dict)
    backups: BackupPolicy = BackupPolicy()
    import_max_bytes: int = 200 * 1024 * 1024

    def limits_for(self, deck_key: str) -> Limits:
        return self.deck_limits.get(deck_key, self.limits)


def _int_setting(table: dict[str, Any], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(
            f"{where}.{key} in {config_path()} must be a whole number >= 0, got {value!r}",
            hint="fix or delete that line",
        )
    return value


def _limits(table: dict[str, Any], base: Limits, where: str) -> Limits:
    return Limits(
        new_per_day=_int_setting(table, "new_per_day", base.new_per_day, where),
        reviews_per_day=_int_setting(table, "reviews_per_day", base.reviews_per_day, where),
    )


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read settings {path}: {exc}", hint="fix or delete the file") from exc
    limits = _limits(raw.get("limits", {}), Limits(), "limits")
    decks = {
        str(key): _limits(table, limits, f"decks.{key}")
        for key, table in raw.get("decks", {}).items()
        if isinstance(table, dict)
    }
    b = raw.get("backups", {})
    backups = BackupPolicy(
        keep_daily=_int_setting(b, "keep_daily", 10, "backups"),
        keep_weekly=_int_setting(b, "keep_weekly", 8, "backups"),
    )
    imp = raw.get("import", {})
    return Settings(
        limits=limits,
        deck_limits=decks,
        backups=backups,
        import_max_bytes=_int_setting(imp, "max_bytes", 200 * 1024 * 1024, "import"),
    )
