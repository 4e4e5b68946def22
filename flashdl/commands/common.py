"""Helpers shared by the subcommands: opening the store with the built-in decks in it."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

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


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """Inside the block, SIGTERM raises :class:`~flashdl.errors.Terminated` instead of killing
    the process on the spot: the write transaction rolls back and ``finally`` blocks remove what
    the command staged (an ``.apkg`` import's temporary folder), as Ctrl-C does."""
    import signal
    import threading

    from flashdl.errors import Terminated

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return

    def terminated(_signum: int, _frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def require_terminal(command: str) -> None:
    """The study and quiz screens need a terminal to draw on and read keys from."""
    import sys

    from flashdl.errors import UsageError

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            f"{command} needs an interactive terminal (its input or output is redirected)",
            hint="run it in a terminal; for scripts use `flashdl decks --json` or `flashdl stats --json`",
        )


def progress_factory(label: str) -> Any:
    """``start(total)`` -> ``(advance, stop)``: a rich progress bar on stderr, only when stderr is
    a terminal (None otherwise). ``total`` None gives a bar that only shows work is going on."""
    import sys

    if not sys.stderr.isatty():
        return None

    def start(total: int | None) -> tuple[Callable[[int], None], Callable[[], None]]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        from flashdl.render.terminal import raw

        columns: list[Any] = [TextColumn(label), BarColumn()]
        columns.append(MofNCompleteColumn() if total is not None else TimeElapsedColumn())
        # the bar's own escape codes go to the raw stream, past the cleaning writer
        progress = Progress(*columns, console=Console(file=raw(sys.stderr)), transient=True)
        task = progress.add_task(label, total=total)
        progress.start()
        return (lambda n: progress.advance(task, n)), progress.stop

    return start
