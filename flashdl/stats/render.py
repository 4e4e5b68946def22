"""``flashdl stats`` as text: tables, a character heatmap and plotext charts built to strings.

Plotext is imported only here, when a report is drawn, and its colour codes are stripped unless
the output is a terminal that wants them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flashdl.render.terminal import clean
from flashdl.stats.heatmap import build_heatmap
from flashdl.stats.queries import FORECAST_DAYS, Stats
from flashdl.study.wording import count

#: Said instead of a chart whose values are all zero.
NO_STUDY_TIME = "No reviews yet in the last 30 days."
NO_CARDS_DUE = f"No cards due in the next {FORECAST_DAYS} days."
NO_EASINESS = "No card has been answered yet."


def duration_text(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{int(seconds)} s"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def table(rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """Aligned columns. Cells are cleaned here (deck names come from files) because a coloured
    report is written past the command line's cleaning boundary, with plotext's own escapes."""
    rows = [[clean(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )


def _int_ticks(top: int, count: int = 4) -> list[int]:
    step = max(1, -(-top // count))
    return list(range(0, top + step, step))


def bar_chart(
    labels: Sequence[str], values: Sequence[float], title: str, *, width: int, height: int,
    color: bool = False, every: int = 1,
) -> str:
    """A vertical bar chart from plotext, as text. Shows every ``every``-th label on the x axis."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("pro" if color else "clear")
    xs = list(range(len(values)))
    plt.bar(xs, list(values), width=0.7)
    plt.xticks(xs[::every], list(labels)[::every])
    top = int(max(values, default=0))
    if top > 0:
        plt.yticks(_int_ticks(top))
    plt.title(title)
    text = plt.build()
    plt.clear_figure()
    return text if color else plt.uncolorize(text)


def _short_day(day: dt.date) -> str:
    return day.strftime("%b %d").replace(" 0", " ")


def render_text(stats: Stats, *, width: int = 80, color: bool = False) -> str:
    """The whole report. ``width`` is the terminal width the charts are drawn for."""
    width = max(60, min(width, 140))
    out: list[str] = []
    scope = "all decks" if stats.decks is None else clean(", ".join(stats.decks))
    out.append(f"Statistics for {scope}, as of {stats.today.isoformat()}")
    out.append("")
    out.append(
        table(
            [
                ["reviews, all time", f"{stats.total_reviews:,}"],
                ["reviews, last 365 days", f"{stats.reviews_last_year:,}"],
                ["time studied, all time", duration_text(stats.total_seconds)],
                ["retention (graded >= 3)", percent(stats.overall_retention)],
                ["current streak", f"{stats.current_streak} day(s)"],
                ["longest streak", f"{stats.longest_streak} day(s)"],
            ],
            right={1},
        )
    )

    out += ["", "Reviews per day, last 365 days"]
    heatmap = build_heatmap(stats.reviews_by_day, stats.heatmap_start, stats.today)
    out.append(heatmap.to_text())

    days = [stats.today - dt.timedelta(days=i) for i in range(29, -1, -1)]
    minutes = [stats.seconds_by_day.get(d, 0) / 60 for d in days]
    title = "Minutes studied per day, last 30 days"
    if any(minutes):
        out += ["", bar_chart([_short_day(d) for d in days], [round(m, 1) for m in minutes],
                              title, width=width, height=12, color=color, every=7)]
    else:  # an all-zero chart only draws a meaningless -1..1 axis
        out += ["", title, NO_STUDY_TIME]

    labels = [_short_day(d) for d, _ in stats.forecast]
    due = [n for _, n in stats.forecast]
    title = f"Cards due, next {FORECAST_DAYS} days (overdue counted today)"
    if any(due):
        out += ["", bar_chart(labels, due, title, width=width, height=12, color=color, every=7)]
    else:
        out += ["", title, NO_CARDS_DUE]

    out += ["", "Retention by interval before the answer"]
    rows = [["interval", "reviews", "remembered", "rate"]]
    rows += [[b.label, f"{b.reviews:,}", f"{b.passed:,}", percent(b.rate)] for b in stats.retention]
    out.append(table(rows, right={1, 2, 3}))

    if stats.easiness:
        out += ["", bar_chart([f"{ef:.1f}" for ef, _ in stats.easiness],
                              [n for _, n in stats.easiness],
                              "Cards by easiness factor", width=width, height=10, color=color,
                              every=max(1, len(stats.easiness) // 8))]
    else:
        out += ["", f"Easiness: {NO_EASINESS[0].lower()}{NO_EASINESS[1:]}"]

    out += ["", "Progress per deck (learning: interval < 21 days; mature: >= 21)"]
    rows = [["deck", "cards", "new", "learning", "mature", "suspended"]]
    rows += [[p.key, str(p.total), str(p.new), str(p.learning), str(p.mature), str(p.suspended)]
             for p in stats.progress]
    out.append(table(rows, right={1, 2, 3, 4, 5}) if stats.progress else "No decks.")

    out += ["", "Quizzes"]
    answered = stats.quiz_answered
    if not answered and not stats.quiz_recent:
        out.append("No quiz taken yet. Try `flashdl quiz`.")
    else:
        accuracy = stats.quiz_correct / answered if answered else None
        out.append(f"{count(answered, 'question')} answered, {stats.quiz_correct:,} correct "
                   f"({percent(accuracy)})")
        if stats.quiz_by_type:
            rows = [["type", "answered", "correct", "accuracy"]]
            rows += [[t.qtype, str(t.answered), str(t.correct),
                      percent(t.correct / t.answered if t.answered else None)]
                     for t in stats.quiz_by_type]
            out.append(table(rows, right={1, 2, 3}))
        if stats.quiz_recent:
            out.append("")
            rows = [["started (UTC)", "decks", "score", ""]]
            for q in stats.quiz_recent:
                score = f"{q.correct}/{q.questions}"
                rows.append([q.started_at.strftime("%Y-%m-%d %H:%M"), q.decks_label,
                             score, "" if q.finished else "(unfinished)"])
            out.append(table(rows, right={2}))
    return "\n".join(out) + "\n"
