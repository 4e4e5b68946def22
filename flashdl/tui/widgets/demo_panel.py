"""DemoPanel: a live engine demo under (or beside) a card's answer.

The panel shows the demo's masks as character grids, its series through
``textual_plotext``, its small arrays and its explanation, plus a parameter
list: focus a parameter (up/down or tab), step it with ``[`` / ``]`` and the
result is recomputed at once; ``r`` re-runs with the next seed. NumPy is
imported only when the demo first runs (on mount by default, i.e. when the
host mounts the panel on reveal; or on :meth:`DemoPanel.reveal`). Every
string that comes from a demo is shown as a ``Text`` object, never parsed
as Textual markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from flashdl.engine import (
    DemoError,
    DemoResult,
    DemoSpec,
    Param,
    get_demo,
    run_demo,
    validate_params,
)
from flashdl.engine.params import format_value
from flashdl.engine.plotting import draw_plot, legend_text, plots_for
from flashdl.engine.render import grid_lines, is_array, scalar_line, vector_table

TABLE_ROWS = 10  # keep the panel short; the CLI and --json show everything


class ParamRow(Static, can_focus=True):
    """One parameter: name, current value and bounds; focusable so tab reaches it."""

    DEFAULT_CSS = """
    ParamRow { height: 1; width: 1fr; padding: 0 1; }
    ParamRow.-selected { background: $accent 20%; text-style: bold; }
    ParamRow:focus { background: $accent 40%; text-style: bold; }
    """

    def __init__(self, param: Param, value: Any, index: int) -> None:
        super().__init__(markup=False)
        self.param = param
        self.index = index
        self.set_value(value)

    def set_value(self, value: Any) -> None:
        """Show ``value`` (the panel owns the real state)."""
        self.value = value
        marker = "▸ " if self.has_class("-selected") else "  "
        text = Text(marker + f"{self.param.name} = ", style="bold")
        text.append(format_value(value))
        text.append(f"  ({self.param.bounds_text()})", style="dim")
        text.truncate(200)
        self.update(text)

    def mark(self, selected: bool) -> None:
        """Show (or stop showing) that ``[`` / ``]`` step this parameter."""
        if self.has_class("-selected") != selected:
            self.set_class(selected, "-selected")
            self.set_value(self.value)

    def on_focus(self) -> None:
        panel = next((a for a in self.ancestors if isinstance(a, DemoPanel)), None)
        if panel is not None:
            panel.selected = self.index


class GridView(Widget):
    """0/1 masks as character grids, cropped to the widget's current width."""

    DEFAULT_CSS = "GridView { height: auto; width: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.masks: list[tuple[str, Any]] = []

    def show(self, masks: list[tuple[str, Any]]) -> None:
        """Replace the grids and resize to fit them."""
        self.masks = masks
        self.display = bool(masks)
        self.refresh(layout=True)

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return sum(len(grid_lines(m, max(1, width))) + 1 for _, m in self.masks)

    def render(self) -> Text:
        width = max(1, self.size.width)
        text = Text(no_wrap=True, overflow="crop")
        for i, (name, mask) in enumerate(self.masks):
            if i:
                text.append("\n")
            text.append(f"{name} (\u2588 = 1, \u00b7 = 0)\n", style="bold")
            text.append("\n".join(grid_lines(mask, width)))
        return text


class DemoPanel(VerticalScroll, can_focus=True):
    """A demo with its parameters; re-runnable and re-parameterizable on the spot."""

    DEFAULT_CSS = """
    DemoPanel { height: 1fr; width: 1fr; min-width: 30; overflow-x: hidden; border: round $accent; }
    DemoPanel > .demo-part { width: 1fr; height: auto; }
    DemoPanel #demo-params { height: auto; width: 1fr; margin: 0 0 1 0; }
    DemoPanel PlotextPlot { height: 12; width: 1fr; }
    DemoPanel #demo-explanation { margin: 1 0 0 0; }
    """

    BINDINGS = [
        Binding("r", "rerun", "re-run (new seed)"),
        Binding("left_square_bracket", "step(-1)", "param -"),
        Binding("right_square_bracket", "step(1)", "param +"),
        Binding("up", "move(-1)", "previous param", show=False),
        Binding("down", "move(1)", "next param", show=False),
    ]

    class Ran(Message):
        """Posted after every successful run (tests and hosts can wait on it)."""

        def __init__(self, panel: DemoPanel, result: DemoResult) -> None:
            super().__init__()
            self.panel = panel
            self.result = result

        @property
        def control(self) -> DemoPanel:
            return self.panel

    class Failed(Message):
        """Posted when the demo could not run (e.g. a deck gave a bad parameter)."""

        def __init__(self, panel: DemoPanel, error: str) -> None:
            super().__init__()
            self.panel = panel
            self.error = error

    def __init__(
        self,
        demo_name: str,
        params: dict[str, Any] | None = None,
        seed: int = 0,
        *,
        autorun: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.demo_name = demo_name
        self.seed = seed
        self.autorun = autorun
        self.result: DemoResult | None = None
        self.error: str | None = None
        self._selected = 0
        self.spec: DemoSpec | None = None
        self.note = ""
        self.params: dict[str, Any] = {}
        try:
            self.spec = get_demo(demo_name)
        except DemoError as exc:
            self.error = str(exc)
            return
        try:
            self.params = validate_params(demo_name, params or {})
        except DemoError as exc:
            # A deck gave a bad parameter: say so, but still show the demo at its defaults.
            self.params = self.spec.defaults()
            self.note = f"using defaults: {exc}"

    @property
    def selected(self) -> int:
        """Index of the parameter that ``[`` / ``]`` step; its row is marked from the start."""
        return self._selected

    @selected.setter
    def selected(self, index: int) -> None:
        self._selected = index
        self._mark_selected()

    def _mark_selected(self) -> None:
        for row in self.query(ParamRow):
            row.mark(row.index == self._selected)

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(
            self._header_text(self.note), id="demo-header", classes="demo-part", markup=False
        )
        if self.spec is not None:
            with Vertical(id="demo-params"):
                for i, param in enumerate(self.spec.params):
                    yield ParamRow(param, self.params[param.name], i)
            yield GridView()
            yield Static("", id="demo-values", classes="demo-part", markup=False)
            for i in range(len(self.spec.plots)):
                yield PlotextPlot(id=f"demo-plot-{i}")
                yield Static("", id=f"demo-legend-{i}", classes="demo-part", markup=False)
        yield Static(
            Text(self.error or "(press r or reveal the card to run the demo)"),
            id="demo-explanation",
            classes="demo-part",
            markup=False,
        )

    def on_mount(self) -> None:
        self._mark_selected()
        if self.autorun and self.error is None:
            self.run(self.note)

    def _header_text(self, note: str = "") -> Text:
        title = self.spec.title if self.spec else self.demo_name
        text = Text(title, style="bold")
        text.append(f"  seed {self.seed}", style="dim")
        text.append("\n[ ] change the ▸ parameter (tab picks), r re-runs",
                    style="dim")
        if note:
            text.append("\n" + note, style="bold red")
        return text

    # ---------------------------------------------------------------- running
    def reveal(self) -> None:
        """Run the demo if it has not run yet (call when the answer is shown)."""
        if self.result is None and self.error is None:
            self.run(self.note)

    def run(self, note: str = "") -> DemoResult | None:
        """Compute the demo with the current seed and parameters and redraw."""
        try:
            result = run_demo(self.demo_name, seed=self.seed, **self.params)
        except DemoError as exc:
            self.error = str(exc)
            self.query_one("#demo-explanation", Static).update(Text(self.error))
            self.post_message(self.Failed(self, self.error))
            return None
        self.result = result
        self._show(result, note)
        self.post_message(self.Ran(self, result))
        return result

    def _show(self, result: DemoResult, note: str) -> None:
        assert self.spec is not None
        self.query_one("#demo-header", Static).update(self._header_text(note))
        masks = [(n, result.values[n]) for n in self.spec.grids if is_array(result.values.get(n))]
        self.query_one(GridView).show(masks)
        self.query_one("#demo-values", Static).update(self._values_renderable(result))
        for i, plot in enumerate(plots_for(self.spec, result)[: len(self.spec.plots)]):
            widget = self.query_one(f"#demo-plot-{i}", PlotextPlot)
            widget.plt.clear_figure()
            legend = draw_plot(widget.plt, plot, result)
            widget.display = legend is not None
            widget.refresh()
            key = legend_text(legend)  # under the plot: plotext's own legend covers curves
            self.query_one(f"#demo-legend-{i}", Static).update(key or "")
            self.query_one(f"#demo-legend-{i}", Static).display = key is not None
        self.query_one("#demo-explanation", Static).update(Text(result.explanation))

    def _values_renderable(self, result: DemoResult) -> Group:
        assert self.spec is not None
        parts: list[Any] = []
        line = scalar_line(result, compact=True)
        if line is not None:
            parts.append(line)
        vectors = [
            n
            for n in self.spec.tables
            if is_array(result.values.get(n)) and result.values[n].ndim == 1
        ]
        if vectors:
            length = len(result.values[vectors[0]])
            same = [n for n in vectors if len(result.values[n]) == length][:4]
            parts.append(vector_table(same, [result.values[n] for n in same], max_rows=TABLE_ROWS))
        return Group(*parts)

    # ---------------------------------------------------------------- actions
    def action_rerun(self) -> None:
        """New seed, same parameters."""
        if self.spec is None:
            return
        self.seed += 1
        self.run()

    def action_move(self, delta: int) -> None:
        """Focus the previous/next parameter row."""
        rows = list(self.query(ParamRow))
        if not rows:
            return
        self.selected = (self.selected + delta) % len(rows)
        rows[self.selected].focus()
        rows[self.selected].scroll_visible()

    def action_step(self, direction: int) -> None:
        """Step the selected parameter within its bounds and re-run."""
        if self.spec is None or not self.spec.params:
            return
        param = self.spec.params[self.selected]
        self.step_param(param.name, direction)

    def step_param(self, name: str, direction: int) -> bool:
        """Step parameter ``name`` up (direction > 0) or down; False if the value was refused."""
        assert self.spec is not None
        param = self.spec.param(name)
        new_value = param.step_value(self.params[name], direction)
        candidate = {**self.params, name: new_value}
        try:
            candidate = validate_params(self.demo_name, candidate)
        except DemoError as exc:
            self.query_one("#demo-header", Static).update(self._header_text(str(exc)))
            return False
        if candidate == self.params:
            return False
        self.params = candidate
        for row in self.query(ParamRow):
            row.set_value(self.params[row.param.name])
        self.run()
        return True
