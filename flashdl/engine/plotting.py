"""Drawing a result's series onto any plotext-like figure.

The CLI uses the module-level ``plotext`` API and the TUI uses
``textual_plotext.PlotextPlot.plt``; both expose the same methods, so one
function draws for both. Nothing is imported here: the figure is passed in.
"""

from __future__ import annotations

import math
from typing import Any

from flashdl.engine.registry import DemoSpec, Plot
from flashdl.engine.result import DemoResult

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


def draw_plot(plt: Any, plot: Plot, result: DemoResult) -> bool:
    """Draw ``plot`` from ``result.series`` onto ``plt``; False if there was nothing to draw.

    The caller clears the figure and sets its size and theme beforehand. A log
    axis is drawn by plotting log10(y) with 1eN tick labels: plotext's own
    ``yscale("log")`` transforms the stored data in place, so a figure built a
    second time (every Textual repaint) would take the log of a log and fail.
    """
    series = result.series
    names = plot.y or tuple(n for n in series if n != plot.x)
    drew = False
    lows, highs = [], []
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
            plt.plot(xs, ys, label=name, marker="braille")
            drew = True
    for x_name, y_name in plot.scatter:
        if x_name in series and y_name in series:
            xs, ys = _thin(_floats(series[x_name]), _floats(series[y_name]), plot.log_y)
            if xs:
                ys = _log(ys) if plot.log_y else ys
                plt.scatter(xs, ys, label=y_name.removesuffix(" y"), marker="dot")
                drew = True
    if drew:
        plt.title(plot.title)
        if plot.log_y and lows:
            ticks = _decade_ticks(min(lows), max(highs))
            plt.yticks(ticks, [f"1e{t:d}" for t in ticks])
        if plot.x:
            plt.xlabel(plot.x)
    return drew
