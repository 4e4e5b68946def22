"""Helpers shared by the subcommands: opening the store with the built-in decks in it."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashdl.store.db import Store


def today() -> dt.date:
    """The day the commands study, schedule and report for (:mod:`flashdl.clock`)."""
    from flashdl import clock

    return clock.today()


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


def require_terminal(command: str) -> None:
    """The study and quiz screens need a terminal to draw on and read keys from."""
    import sys

    from flashdl.errors import UsageError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            f"{command} needs an interactive terminal (its input or output is redirected)",
            hint="run it in a terminal; for scripts use `flashdl decks --json` or `flashdl stats --json`",
        )
