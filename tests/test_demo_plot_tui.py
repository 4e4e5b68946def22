"""The demo panel's plots in the TUI: whole-number steps on the x axis, the legend under the plot."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult
from textual.widgets import Static
from textual_plotext import PlotextPlot

from flashdl.tui.widgets.demo_panel import DemoPanel


class OnePanel(App[None]):
    def compose(self) -> ComposeResult:
        yield DemoPanel("early_stopping")


async def test_the_panel_plot_has_whole_steps_and_its_legend_below():
    app = OnePanel()
    async with app.run_test(size=(80, 60)) as pilot:
        await pilot.pause()
        plot = app.query_one("#demo-plot-0", PlotextPlot)
        lines = plot.render().plain.splitlines()
        assert not any("train loss" in line or "val loss" in line for line in lines)
        bottom = next(i for i, line in enumerate(lines) if "└" in line)
        labels = lines[bottom + 1].split()
        assert len(labels) >= 3 and all(re.fullmatch(r"\d+", label) for label in labels), labels
        legend = app.query_one("#demo-legend-0", Static)
        assert legend.display and legend.region.y > plot.region.y
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "━━ train loss" in shown and "━━ val loss" in shown
