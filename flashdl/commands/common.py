"""Helpers shared by the subcommands: opening the store with the built-in decks in it."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from flashdl.errors import NotBuiltError

if TYPE_CHECKING:
    from flashdl.store.db import Store


def today() -> dt.date:
    return dt.date.today()


def open_synced_store(args: argparse.Namespace) -> Store:
    """Open (creating or upgrading) the store and refresh the built-in decks."""
    from flashdl.store import open_store
    from flashdl.store.sync import sync_builtin_decks

    store = open_store(getattr(args, "db", None))
    try:
        sync_builtin_decks(store)
    except BaseException:
        store.close()
        raise
    return store


def not_built(issue: int, what: str) -> NotBuiltError:
    return NotBuiltError(f"{what} is not built yet (see issue #{issue})")
