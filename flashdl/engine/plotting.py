"""Drawing a result's series onto any plotext-like figure.

The CLI uses the module-level ``plotext`` API and the TUI uses
``textual_plotext.PlotextPlot.plt``; both expose the same methods, so one
function draws for both. Nothing is imported here: the figure is passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flashdl.engine.registry import DemoSpec, Plot
from flashdl.engine.result import DemoResult

if TYPE_CHECKING:
    from rich.columns import Columns

MAX_POINTS = 400  # plotext slows down on long series; more points than columns add nothing


def plots_for(spec: DemoSpec, result: DemoResult) -> list[Plot]:
    """The spec's plots, or one plot of every series if the spec declares none."""
    if spec.plots:
        return list(spec.plots)
    if result.series:
        return [Plot(spec.title, y=tuple(result.series))]
    return []


def _floats(values: Any) -> list[float]:
    seq = values.tolist() if hasattr(values, "tolist") else list(values)
    return [float(v) for v in seq]


def _thin(xs: list[float], ys: list[float], log_y: bool) -> tuple[list[float], list[float]]:
    """Drop non-finite (and, on a log axis, non-positive) points; subsample long series."""
    keep = [
        (x, y)
        for x, y in zip(xs, ys, strict=False)
        if math.isfinite(x) and math.isfinite(y) and (y > 0 or not log_y)
    ]
    if len(keep) > MAX_POINTS:
        stride = math.ceil(len(keep) / MAX_POINTS)
        keep = keep[::stride] + ([keep[-1]] if (len(keep) - 1) % stride else [])
    return [k[0] for k in keep], [k[1] for k in keep]


def _log(ys: list[float]) -> list[float]:
    return [math.log10(y) for y in ys]


def _decade_ticks(low: float, high: float, most: int = 6) -> list[int]:
    """Integer powers of ten spanning [low, high] (in log10 units), at most ``most`` of them."""
    first, last = math.floor(low), math.ceil(high)
    stride = max(1, math.ceil((last - first + 1) / most))
    return list(range(first, last + 1, stride))


def nice_ticks(low: float, high: float, *, whole: bool, most: int = 6) -> list[float]:
    """At most ``most`` evenly spaced round ticks (steps of 1, 2, 2.5 or 5 times a power of ten)
    within [low, high]; whole numbers only when ``whole`` (a step count, an epoch, a degree)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(1, most - 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * magnitude
        if whole and (candidate < 1 or not float(candidate).is_integer()):
            continue
        if candidate >= raw:
            step = candidate
            break
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def tick_label(value: float, whole: bool) -> str:
    return str(int(round(value))) if whole else f"{value:g}"


@dataclass(frozen=True)
class LegendEntry:
    """One drawn series: its name, its colour (RGB) and whether it was drawn as a line."""

    label: str
    rgb: tuple[int, int, int]
    line: bool = True


#: Series colours, in order; readable on dark and light backgrounds. They are given to plotext
#: explicitly so that the legend printed under the plot can show the same colours.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (66, 133, 244),   # blue
    (230, 124, 0),    # orange
    (52, 168, 83),    # green
    (219, 68, 55),    # red
    (171, 71, 188),   # purple
    (0, 151, 167),    # teal
)


def draw_plot(plt: Any, plot: Plot, result: DemoResult) -> list[LegendEntry] | None:
    """Draw ``plot`` from ``result.series`` onto ``plt``; its legend, or None if there was
    nothing to draw.

    The caller clears the figure and sets its size and theme beforehand, and shows the legend
    (:func:`legend_text`) under the plot: plotext would draw it inside, over the curves. A log
    axis is drawn by plotting log10(y) with 1eN tick labels: plotext's own ``yscale("log")``
    transforms the stored data in place, so a figure built a second time (every Textual
    repaint) would take the log of a log and fail. The x ticks are round numbers, whole ones
    when every x is whole (steps, epochs), never 49.5 for a step.
    """
    series = result.series
    # no ``y`` means every series against x, unless the plot is a scatter plot of its own
    names = plot.y or (() if plot.scatter else tuple(n for n in series if n != plot.x))
    legend: list[LegendEntry] = []
    lows, highs, all_xs = [], [], []

    def colour() -> tuple[int, int, int]:
        return PALETTE[len(legend) % len(PALETTE)]

    for name in names:
        if name not in series or name == plot.x:
            continue
        ys = _floats(series[name])
        xs = (
            _floats(series[plot.x])
            if plot.x and plot.x in series
            else [float(i) for i in range(len(ys))]
        )
        xs, ys = _thin(xs[: len(ys)], ys, plot.log_y)
        if xs:
            ys = _log(ys) if plot.log_y else ys
            lows.append(min(ys))
            highs.append(max(ys))
            all_xs += xs
            plt.plot(xs, ys, marker="braille", color=colour())
            legend.append(LegendEntry(name, colour()))
    for x_name, y_name in plot.scatter:
        if x_name in series and y_name in series:
            xs, ys = _thin(_floats(series[x_name]), _floats(series[y_name]), plot.log_y)
            if xs:
                ys = _log(ys) if plot.log_y else ys
                all_xs += xs
                plt.scatter(xs, ys, marker="dot", color=colour())
                legend.append(LegendEntry(y_name.removesuffix(" y"), colour(), line=False))
    if not legend:
        return None
    plt.title(plot.title)
    if plot.log_y and lows:
        ticks = _decade_ticks(min(lows), max(highs))
        plt.yticks(ticks, [f"1e{t:d}" for t in ticks])
    whole = all(x.is_integer() for x in all_xs)
    xticks = nice_ticks(min(all_xs), max(all_xs), whole=whole)
    if len(xticks) >= 2:
        plt.xticks(xticks, [tick_label(t, whole) for t in xticks])
    if plot.x:
        plt.xlabel(plot.x)
    return legend


def legend_text(legend: list[LegendEntry] | None) -> Columns | None:
    """The legend, entries side by side and wrapping between entries (None for fewer than two
    series: the title names a single one)."""
    from rich.color import Color
    from rich.columns import Columns
    from rich.style import Style
    from rich.text import Text

    if not legend or len(legend) < 2:
        return None
    entries = []
    for entry in legend:
        text = Text("━━ " if entry.line else "•• ", style=Style(color=Color.from_rgb(*entry.rgb)),
                    no_wrap=True, end="")
        text.append(entry.label)
        entries.append(text)
    return Columns(entries, padding=(0, 3))
