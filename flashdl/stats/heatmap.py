"""A calendar heatmap of reviews per day: weeks as columns, weekdays as rows, like GitHub's.

The grid is plain data (counts and shades) so the text report and the Textual widget draw the same
picture, with the same legend.

How a day's shade is chosen (:func:`level_bounds`): the busy days of the period (at least one
review) are sorted by count, and the upper bounds of the levels are their 25th, 50th and 75th
percentiles (nearest rank: always a count some day really has) and their maximum. A percentile that
reaches the maximum steps down to the largest count below it, so the busiest days never share
their shade with every lighter day; equal bounds merge into one level. Hence:

* each level is a range of counts ``previous bound + 1 .. bound``, the ranges cover 1 .. the busiest
  day's count without gaps, and every level in the legend is worn by at least one day;
* a busier day is never lighter than a quieter one, and the busiest day is always the darkest
  shade (``█``); with k < 4 levels they take the shades round(4 i / k), i = 1..k, spread out;
* there are 4 levels when the counts allow (busy days split into quarters), 2 or more whenever
  days differ, one only when every busy day has the same count;
* the shades depend on the ranks of the counts, not their scale: a learner doing 20 a day and one
  doing 400 a day both see contrast.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence

#: Shade 0 is a day without reviews, 1-4 are ever busier days.
LEVEL_CHARS = "·░▒▓█"
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
#: The percentiles of the busy days' counts that bound the levels below the busiest.
PERCENTILES = (0.25, 0.5, 0.75)


def level_bounds(busy: Sequence[int]) -> tuple[int, ...]:
    """The upper bound (reviews a day) of each level, lightest first, from the busy days' counts
    (the rule is in the module docstring). Empty when no day had a review."""
    values = sorted(n for n in busy if n > 0)
    if not values:
        return ()
    top = values[-1]
    below_top = [n for n in values if n < top]
    bounds = {top}
    for fraction in PERCENTILES:
        value = values[math.ceil(fraction * len(values)) - 1]  # nearest rank
        bounds.add(below_top[-1] if value == top and below_top else value)
    return tuple(sorted(bounds))


def level_shades(levels: int) -> tuple[int, ...]:
    """The shades (indexes into ``LEVEL_CHARS``) of ``levels`` levels: the top one always 4."""
    return tuple(math.floor(4 * i / levels + 0.5) for i in range(1, levels + 1))


@dataclasses.dataclass(frozen=True)
class LegendEntry:
    shade: int  #: index into LEVEL_CHARS
    first: int  #: fewest reviews a day with this shade
    last: int  #: most reviews a day with this shade

    @property
    def char(self) -> str:
        return LEVEL_CHARS[self.shade]

    @property
    def counts(self) -> str:
        """``4-9``, or ``4`` for a range of one count."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclasses.dataclass(frozen=True)
class Heatmap:
    start: dt.date  #: the Monday of the first column
    first_day: dt.date  #: the first day that is part of the period
    last_day: dt.date
    #: rows[weekday][week] = reviews that day, or None outside the period
    rows: list[list[int | None]]
    #: upper bounds of the levels, lightest first (:func:`level_bounds`)
    bounds: tuple[int, ...]

    @property
    def weeks(self) -> int:
        return len(self.rows[0])

    def level(self, count: int | None) -> int | None:
        """The shade of a day with ``count`` reviews (None: outside the period, 0: none)."""
        if count is None:
            return None
        if count <= 0:
            return 0
        shades = level_shades(len(self.bounds)) if self.bounds else (4,)
        for bound, shade in zip(self.bounds, shades, strict=False):
            if count <= bound:
                return shade
        return shades[-1]

    def legend(self) -> list[LegendEntry]:
        """The levels in use, lightest first: their shade and range of reviews a day."""
        entries = []
        first = 1
        for bound, shade in zip(self.bounds, level_shades(len(self.bounds)), strict=True):
            entries.append(LegendEntry(shade, first, bound))
            first = bound + 1
        return entries

    def legend_text(self) -> str:
        """``reviews a day: · 0, ░ 1, ▓ 2-5, █ 6-40``."""
        entries = [f"{LEVEL_CHARS[0]} 0"] + [f"{e.char} {e.counts}" for e in self.legend()]
        return "reviews a day: " + ", ".join(entries)

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
        lines.append(f"    {self.legend_text()}")
        return "\n".join(lines)


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
    return Heatmap(start, first_day, last_day, rows, level_bounds(busy))
