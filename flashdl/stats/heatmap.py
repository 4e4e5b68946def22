"""A calendar heatmap of reviews per day: weeks as columns, weekdays as rows, like GitHub's.

The grid is plain data (counts and intensity levels) so the text report and the Textual widget
draw the same picture. Levels split the non-zero days by quartile, so a learner doing 20 a day and
one doing 400 a day both see contrast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

#: Level 0 is a day without reviews, 1-4 are the quartiles of the busy days.
LEVEL_CHARS = "·░▒▓█"
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


@dataclasses.dataclass(frozen=True)
class Heatmap:
    start: dt.date  #: the Monday of the first column
    first_day: dt.date  #: the first day that is part of the period
    last_day: dt.date
    #: rows[weekday][week] = reviews that day, or None outside the period
    rows: list[list[int | None]]
    thresholds: tuple[int, int, int]

    @property
    def weeks(self) -> int:
        return len(self.rows[0])

    def level(self, count: int | None) -> int | None:
        if count is None:
            return None
        if count <= 0:
            return 0
        low, mid, high = self.thresholds
        return 1 if count <= low else 2 if count <= mid else 3 if count <= high else 4

    def level_ranges(self) -> list[str]:
        """Reviews a day for levels 1..4: ``1-13``, ``14``, ``15``, ``16+`` (a range of one
        value is shown as that value, so few data do not read as ``<=13, <=14, <=15``)."""
        low, mid, high = self.thresholds

        def span(first: int, last: int) -> str:
            return str(first) if first == last else f"{first}-{last}"

        return [span(1, low), span(low + 1, mid), span(mid + 1, high), f"{high + 1}+"]

    def day(self, weekday: int, week: int) -> dt.date:
        return self.start + dt.timedelta(days=week * 7 + weekday)

    def month_labels(self) -> str:
        """One character per week column: a month's abbreviation where that month starts."""
        line = [" "] * self.weeks
        previous = None
        for week in range(self.weeks):
            first = max(self.day(0, week), self.first_day)
            if first.month != previous:
                name = first.strftime("%b")
                span = line[max(0, week - 1):week + len(name)]
                if week + len(name) <= self.weeks and all(c == " " for c in span):
                    line[week:week + len(name)] = name
                previous = first.month
        return "".join(line)

    def to_text(self) -> str:
        """The grid in characters (``LEVEL_CHARS``), with weekday and month labels."""
        lines = ["    " + self.month_labels()]
        for weekday, row in enumerate(self.rows):
            cells = "".join(
                " " if (lvl := self.level(count)) is None else LEVEL_CHARS[lvl] for count in row
            )
            lines.append(f"{WEEKDAY_LABELS[weekday]:<4}{cells}")
        ranges = ", ".join(f"{c} {r}" for c, r in zip(LEVEL_CHARS[1:], self.level_ranges(), strict=False))
        lines.append(f"    less {LEVEL_CHARS} more   ({LEVEL_CHARS[0]}: none, {ranges})")
        return "\n".join(lines)


def _quartiles(values: list[int]) -> tuple[int, int, int]:
    if not values:
        return (1, 2, 3)
    values = sorted(values)

    def at(fraction: float) -> int:
        return values[int(fraction * (len(values) - 1))]

    low = at(0.25)
    mid = max(at(0.5), low + 1)
    return (low, mid, max(at(0.75), mid + 1))


def build_heatmap(counts: Mapping[dt.date, int], first_day: dt.date, last_day: dt.date) -> Heatmap:
    """The grid for ``first_day`` .. ``last_day`` (both included) from reviews per day."""
    start = first_day - dt.timedelta(days=first_day.weekday())
    weeks = (last_day - start).days // 7 + 1
    rows: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    day = first_day
    while day <= last_day:
        offset = (day - start).days
        rows[offset % 7][offset // 7] = counts.get(day, 0)
        day += dt.timedelta(days=1)
    busy = [n for d, n in counts.items() if first_day <= d <= last_day and n > 0]
    return Heatmap(start, first_day, last_day, rows, _quartiles(busy))
