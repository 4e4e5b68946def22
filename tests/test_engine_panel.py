"""DemoPanel in a tiny Textual app, driven by Pilot: reveal, re-run, step parameters, fit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from flashdl.engine import DemoResult
from flashdl.tui.widgets.demo_panel import DemoPanel, GridView, ParamRow


class PanelApp(App[None]):
    """An answer above (or beside) a DemoPanel, recording every Ran message."""

    CSS = "#answer { height: 3; } #side { width: 1fr; } #wide DemoPanel { width: 55; }"

    def __init__(
        self, name: str, params: dict | None = None, *, beside: bool = False, autorun: bool = True
    ) -> None:
        super().__init__()
        self.demo = (name, params or {})
        self.beside = beside
        self.autorun = autorun
        self.runs: list[DemoResult] = []
        self.failures: list[str] = []

    def compose(self) -> ComposeResult:
        panel = DemoPanel(self.demo[0], self.demo[1], autorun=self.autorun)
        if self.beside:
            with Horizontal(id="wide"):
                yield Static("answer text " * 40, id="side")
                yield panel
        else:
            with Vertical():
                yield Static("The answer to the card.", id="answer")
                yield panel

    def on_demo_panel_ran(self, message: DemoPanel.Ran) -> None:
        self.runs.append(message.result)

    def on_demo_panel_failed(self, message: DemoPanel.Failed) -> None:
        self.failures.append(message.error)


def _no_horizontal_overflow(app: App, width: int) -> None:
    panel = app.query_one(DemoPanel)
    assert panel.virtual_size.width <= panel.size.width
    for widget in panel.query("*"):
        if widget.display and widget.region.width:
            assert widget.region.right <= width, widget


async def test_reveal_rerun_and_step() -> None:
    app = PanelApp("dropout", {"p": 0.5}, autorun=False)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(DemoPanel)
        assert panel.result is None and app.runs == []
        panel.reveal()
        await pilot.pause()
        assert len(app.runs) == 1
        first = app.runs[-1]
        assert first.seed == 0 and first.params["p"] == 0.5
        panel.focus()
        await pilot.press("r")
        await pilot.pause()
        assert len(app.runs) == 2 and app.runs[-1].seed == 1
        assert not np.array_equal(first.values["mask"], app.runs[-1].values["mask"])
        await pilot.press("tab")  # first parameter row: p
        assert isinstance(app.focused, ParamRow) and app.focused.param.name == "p"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.runs[-1].params["p"] == 0.55 and len(app.runs) == 3
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert app.runs[-1].params["p"] == 0.45
        await pilot.press("down", "right_square_bracket")  # mode cycles
        await pilot.pause()
        assert app.runs[-1].params["mode"] == "vanilla"
        await pilot.press("down", "right_square_bracket")  # shape grows on both sides
        await pilot.pause()
        assert app.runs[-1].params["shape"] == (9, 17)
        assert app.runs[-1].seed == 1, "stepping keeps the seed"
        _no_horizontal_overflow(app, 80)


async def test_bounds_are_respected_and_refusals_reported() -> None:
    app = PanelApp("l1_zeroing", {"n_samples": 40, "n_features": 20})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.query_one(DemoPanel)
        assert len(app.runs) == 1
        assert panel.step_param("n_features", 1) is False  # 22 features need 44 samples
        assert panel.params["n_features"] == 20 and len(app.runs) == 1
        header = str(panel.query_one("#demo-header", Static).render())
        assert "n_samples must be at least" in header
        assert panel.step_param("lam", -1) is True
        await pilot.pause()
        assert app.runs[-1].params["lam"] == 0.08


async def test_fits_80x24_with_largest_mask_and_plots() -> None:
    for name, params in [("dropout", {"shape": (64, 64)}), ("capacity", {}), ("momentum", {})]:
        app = PanelApp(name, params)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.runs, name
            _no_horizontal_overflow(app, 80)
            panel = app.query_one(DemoPanel)
            assert panel.region.bottom <= 24
            panel.scroll_end(animate=False)
            await pilot.pause()
            _no_horizontal_overflow(app, 80)


async def test_fits_beside_an_answer_on_a_wide_terminal() -> None:
    app = PanelApp("dropout", {"shape": (64, 64)}, beside=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(DemoPanel)
        assert panel.size.width <= 55
        _no_horizontal_overflow(app, 140)
        grid = panel.query_one(GridView)
        rendered = str(grid.render()).splitlines()
        assert rendered and max(len(line) for line in rendered) <= grid.size.width


async def test_bad_params_fall_back_to_defaults_and_unknown_demo_does_not_crash() -> None:
    app = PanelApp("dropout", {"p": 3.0})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.runs and app.runs[-1].params["p"] == 0.5
        header = str(app.query_one("#demo-header", Static).render())
        assert "using defaults" in header and "0.95" in header
    app = PanelApp("no_such_demo")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        text = str(app.query_one("#demo-explanation", Static).render())
        assert "unknown demo 'no_such_demo'" in text and app.runs == []


def test_numpy_is_imported_only_when_the_demo_first_runs() -> None:
    code = textwrap.dedent(
        """
        import asyncio, sys
        from textual.app import App
        from flashdl.tui.widgets.demo_panel import DemoPanel

        class A(App):
            def compose(self):
                yield DemoPanel("dropout", {"p": "0.3"}, autorun=False)

        async def main():
            app = A()
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                before = "numpy" in sys.modules
                app.query_one(DemoPanel).reveal()
                await pilot.pause()
                print(before, "numpy" in sys.modules)

        asyncio.run(main())
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["False", "True"]
