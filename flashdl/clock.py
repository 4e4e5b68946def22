"""The wall clock, read in one place: "today" for the commands and the time of day for backups.

Tests fix it by replacing :func:`now` (``monkeypatch.setattr(flashdl.clock, "now", ...)``), so
callers read it as ``clock.now()`` / ``clock.today()``, never ``from flashdl.clock import now``.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The local time (naive, like the backup file names that record it)."""
    return dt.datetime.now()


def today() -> dt.date:
    """The learner's calendar day: the local date."""
    return now().date()
