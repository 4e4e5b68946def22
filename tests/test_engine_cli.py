"""`flashdl demo`: the command function in-process, and the real CLI in a subprocess."""

from __future__ import annotations

import io
import json

import pytest
from conftest import run_flashdl
from rich.cells import cell_len
from rich.console import Console

from flashdl.engine import list_demos, run_demo
from flashdl.engine.command import run
from flashdl.engine.render import grid_lines, render_result


def _lines_fit(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, line


def test_list_prints_every_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(None, True, [], 0, False) == 0
    out = capsys.readouterr().out
    for spec in list_demos():
        assert spec.name in out
    _lines_fit(out)


def test_list_json_and_describe_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(None, True, [], 0, True) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {d["name"] for d in listing} == {s.name for s in list_demos()}
    assert run("dropout", True, [], 0, False) == 0
    out = capsys.readouterr().out
    assert "p (float, default 0.5; between 0 and 0.95)" in out


def test_run_prints_mask_grid_and_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("dropout", False, ["p=0.25", "shape=4x10"], 3, False) == 0
    out = capsys.readouterr().out
    r = run_demo("dropout", seed=3, p=0.25, shape=(4, 10))
    for line in grid_lines(r.values["mask"], 80):
        assert line in out
    assert "Kept" in out and "seed 3" in out
    _lines_fit(out)


@pytest.mark.parametrize("name", [s.name for s in list_demos()])
def test_every_demo_renders_within_80_columns(name: str) -> None:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(render_result(run_demo(name)), width=80)
    text = console.file.getvalue()
    _lines_fit(text)
    assert text.strip()


def test_json_output_matches_to_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("batchnorm", False, ["steps=3", "features=2"], 5, True) == 0
    data = json.loads(capsys.readouterr().out)
    expected = run_demo("batchnorm", seed=5, steps=3, features=2).to_json()
    assert data == json.loads(json.dumps(expected))
    assert isinstance(data["values"]["x"], list) and len(data["values"]["x"][0]) == 2


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("nope", False, [], 0, False), "unknown demo 'nope'"),
        (("dropout", False, ["p=2"], 0, False), "between 0 and 0.95"),
        (("dropout", False, ["p"], 0, False), "KEY=VALUE"),
        (("dropout", False, ["zzz=1"], 0, False), "valid parameters: p, mode, shape"),
        (("dropout", False, [], -4, False), "seed"),
        ((None, False, [], 0, False), "--list"),
        (("nope", True, [], 0, False), "unknown demo"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    args, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(*args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in captured.err


def test_real_cli_runs_lists_and_errors() -> None:
    ok = run_flashdl("demo", "l1_zeroing", "--set", "steps=50", "--seed", "2")
    assert ok.returncode == 0, ok.stderr
    assert "ISTA" in ok.stdout
    _lines_fit(ok.stdout)
    listing = run_flashdl("demo", "--list")
    assert listing.returncode == 0 and "lr_schedule" in listing.stdout
    as_json = run_flashdl("demo", "lr_schedule", "--set", "schedule=sgdr", "--json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["values"]["restarts"] == [20, 60]
    bad = run_flashdl("demo", "dropout", "--set", "mode=sideways")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "one of inverted, vanilla" in bad.stderr


def test_log_plots_survive_repeated_builds() -> None:
    """Textual repaints rebuild the same figure; plotext's yscale('log') would log twice."""
    from textual_plotext.plot import Plot

    from flashdl.engine import get_demo
    from flashdl.engine.plotting import draw_plot

    result = run_demo("momentum")
    figure = Plot()
    assert draw_plot(figure, get_demo("momentum").plots[0], result)
    figure.plotsize(60, 12)
    assert figure.build() == figure.build()
