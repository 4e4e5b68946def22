"""Errors that reach the user as one clear line, never as a traceback."""

from __future__ import annotations


class FlashdlError(Exception):
    """A problem the user can act on. ``str(err)`` names it and says what to do."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message} ({hint})")


class Terminated(BaseException):
    """SIGTERM arrived (``kill``, a shutdown): raised where the program was, so that transactions
    roll back and temporary files are removed on the way out, as for Ctrl-C."""


class UsageError(FlashdlError):
    """Bad arguments: an unknown deck, an out-of-range parameter."""

    exit_code = 2


class StoreError(FlashdlError):
    """The database cannot be opened or used: unreadable, locked, too new, corrupt."""

    exit_code = 3
