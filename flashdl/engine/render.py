"""Rich rendering of a DemoResult for the command line (never Textual).

Layout, top to bottom: title and parameters, 0/1 masks as character grids,
small arrays as compact tables, scalars, plots (plotext, built to a string
and wrapped with ``Text.from_ansi``), then the explanation. Everything is
sized to fit the given width (80 columns by default). Text from demos is
always wrapped in ``Text`` objects, never parsed as markup.
"""

from __future__ import annotations

import numbers
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from flashdl.engine.params import format_value
from flashdl.engine.plotting import draw_plot, legend_text, plots_for
from flashdl.engine.registry import DemoSpec, lookup
from flashdl.engine.result import DemoResult

ON, OFF = "\u2588", "\u00b7"  # full block for a kept unit, middle dot for a dropped one
MAX_GRID_ROWS = 32
MAX_TABLE_ROWS = 24
MAX_TABLE_COLS = 8
PLOT_HEIGHT = 16


def num(value: Any) -> str:
    """Compact number: 4 significant figures, ints unchanged."""
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


def is_array(value: Any) -> bool:
    """True for NumPy arrays with at least one dimension."""
    return hasattr(value, "shape") and hasattr(value, "ndim") and value.ndim >= 1


def grid_lines(mask: Any, width: int, max_rows: int = MAX_GRID_ROWS) -> list[str]:
    """A 0/1 array as lines of characters, cropped to ``width`` columns and ``max_rows`` rows."""
    arr = mask if mask.ndim == 2 else mask.reshape(1, -1)
    rows, cols = arr.shape
    shown_cols = max(1, min(cols, width))
    lines = ["".join(ON if v else OFF for v in row[:shown_cols]) for row in arr[:max_rows]]
    if rows > max_rows or cols > shown_cols:
        lines.append(
            f"(showing {min(rows, max_rows)} of {rows} rows, {shown_cols} of {cols} columns)"
        )
    return lines


def grid_text(name: str, mask: Any, width: int) -> Text:
    """A titled character grid with a legend."""
    text = Text(f"{name} ({ON} = 1, {OFF} = 0)\n", style="bold")
    text.append("\n".join(grid_lines(mask, width)))
    return text


def scalar_line(result: DemoResult, *, compact: bool = False) -> Text | None:
    """The result's scalar values on one line (``k = v   k = v``, or ``k=v  k=v`` compact)."""
    scalars = [(k, v) for k, v in result.values.items() if not is_array(v)]
    if not scalars:
        return None
    gap, equals = ("  ", "=") if compact else ("   ", " = ")
    line = Text()
    for i, (k, v) in enumerate(scalars):
        line.append(("" if i == 0 else gap) + f"{k}{equals}", style="bold")
        line.append(num(v))
    return line


def array_summary(name: str, value: Any) -> Text:
    """One line describing a large array: shape, mean and range."""
    if value.size == 0:
        return Text(f"{name}: empty", style="dim")
    flat = value.astype(float).ravel()
    return Text(
        f"{name}: shape {tuple(value.shape)}, mean {num(flat.mean())}, "
        f"min {num(flat.min())}, max {num(flat.max())}",
        style="dim",
    )


def vector_table(names: list[str], arrays: list[Any], max_rows: int = MAX_TABLE_ROWS) -> Table:
    """Side-by-side columns for 1-D arrays of equal length (e.g. true vs fitted weights)."""
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    table.add_column("i", justify="right", style="dim")
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
    length = len(arrays[0])
    for i in range(min(length, max_rows)):
        table.add_row(str(i), *(num(a[i]) for a in arrays))
    if length > max_rows:
        table.add_row("...", *(f"({length} rows)" if k == 0 else "" for k in range(len(names))))
    return table


def matrix_table(name: str, value: Any) -> Table:
    """A small 2-D array as a table."""
    table = Table(
        title=Text(name, style="bold"),
        box=None,
        pad_edge=False,
        padding=(0, 1),
        show_header=False,
        title_justify="left",
    )
    for _ in range(value.shape[1]):
        table.add_column(justify="right", no_wrap=True)
    for row in value[:MAX_TABLE_ROWS]:
        table.add_row(*(num(v) for v in row))
    return table


def plot_text(
    spec: DemoSpec, result: DemoResult, width: int, height: int = PLOT_HEIGHT
) -> list[RenderableType]:
    """Every plot of the result, built with plotext into ANSI strings, with its legend."""
    import plotext

    out: list[RenderableType] = []
    for plot in plots_for(spec, result):
        plotext.clear_figure()
        plotext.plotsize(width, height)
        plotext.theme("pro")
        legend = draw_plot(plotext, plot, result)
        if legend is not None:
            drawn = Text.from_ansi(plotext.build())
            key = legend_text(legend)  # under the plot, not over its curves
            out.append(drawn if key is None else Group(drawn, key))
    plotext.clear_figure()
    return out


def render_result(result: DemoResult, width: int = 80, plots: bool = True) -> RenderableType:
    """The whole result as one Rich renderable no wider than ``width``."""
    spec = lookup(result.name)
    parts: list[RenderableType] = []
    header = Text(f"{spec.title}", style="bold underline")
    header.append(f"\n{result.name}  seed {result.seed}  ", style="dim")
    header.append(
        ", ".join(f"{k}={format_value(v)}" for k, v in result.params.items()), style="dim"
    )
    parts.append(header)
    shown: set[str] = set()
    for name in spec.grids:
        if name in result.values and is_array(result.values[name]):
            parts.append(grid_text(name, result.values[name], width))
            shown.add(name)
    vectors = [n for n in spec.tables if n in result.values and is_array(result.values[n])]
    by_length: dict[int, list[str]] = {}
    for name in vectors:
        value = result.values[name]
        if value.ndim == 1:
            by_length.setdefault(len(value), []).append(name)
        elif value.ndim == 2 and value.shape[1] <= MAX_TABLE_COLS:
            parts.append(matrix_table(name, value))
            shown.add(name)
    for names in by_length.values():
        for start in range(0, len(names), 5):  # at most 5 value columns stay within 80 cols
            chunk = names[start : start + 5]
            parts.append(vector_table(chunk, [result.values[n] for n in chunk]))
            shown.update(chunk)
    line = scalar_line(result)
    if line is not None:
        parts.append(line)
    rest = [k for k, v in result.values.items() if is_array(v) and k not in shown]
    for name in rest:
        parts.append(array_summary(name, result.values[name]))
    if plots:
        parts.extend(plot_text(spec, result, width))
    parts.append(Text(result.explanation))
    spaced: list[RenderableType] = []
    for part in parts:
        spaced.extend([part, Text("")])
    return Group(*spaced[:-1])


def render_listing(specs: list[DemoSpec]) -> RenderableType:
    """The ``flashdl demo --list`` table: name, title and parameters."""
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 1))
    table.add_column("demo", no_wrap=True, style="bold")
    table.add_column("what it shows / parameters")
    for spec in specs:
        cell = Text(spec.title)
        cell.append(
            "\n" + ", ".join(f"{p.name}={format_value(p.default)}" for p in spec.params),
            style="dim",
        )
        table.add_row(Text(spec.name), cell)
    return table
