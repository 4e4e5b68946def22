"""Dates in words, the way the study screens mention them. Pure."""

from __future__ import annotations

import datetime as dt


def day_label(day: dt.date) -> str:
    """``Fri 20 Mar 2026``: unambiguous in every locale, short enough for 80 columns."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def describe_due(next_due: dt.date | None, today: dt.date) -> str:
    """A sentence saying when the next review falls due."""
    if next_due is None:
        return "No reviews are scheduled."
    days = (next_due - today).days
    if days <= 0:
        return "A review is due today."
    when = "tomorrow" if days == 1 else f"in {days} days"
    return f"The next review is due {when}, on {day_label(next_due)}."


def format_duration(seconds: float) -> str:
    """``4 min 05 s`` / ``1 h 02 min`` / ``12 s``."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def interval_label(days: int) -> str:
    """An interval as Anki's buttons show it: ``today``, ``1d``, ``29d``, ``2.3mo``, ``1.2y``
    (a month is 30.4 days, a year 365; one decimal)."""
    if days <= 0:
        return "today"
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30.4:.1f}mo"
    return f"{days / 365:.1f}y"
