"""What the command line prints: a "did you mean" for a mistyped command, held cards cut after a
whole word, demo JSON without float noise, and plots with whole-number steps and a legend that
stays off the curves."""

from __future__ import annotations

import io
import json
import re

import pytest
from fixtures.quiz_support import write_deck
from rich.console import Console

from flashdl.cli import main
from flashdl.engine import get_demo, run_demo
from flashdl.engine.command import run as run_demo_command
from flashdl.engine.render import plot_text
from flashdl.suggest import close_names


def error_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_a_mistyped_command_or_choice_gets_a_did_you_mean(capsys):
    err = error_of(["studdy"], capsys)
    assert "invalid choice: 'studdy'. Did you mean 'study'?" in err
    assert "'suspended'" not in err  # only names about as close as the closest
    err = error_of(["export", "--format", "cvs", "-o", "x", "dropout"], capsys)
    assert "Did you mean 'csv'?" in err
    err = error_of(["xyzzy"], capsys)  # nothing close: just the list
    assert "Did you mean" not in err and "(choose from study, quiz," in err


def test_one_rule_for_commands_decks_and_demos():
    assert close_names("studdy", ["study", "quiz", "suspended"]) == ["study"]
    assert close_names("Regularisation", ["regularization", "dropout"]) == ["regularization"]
    assert close_names("norm", ["batchnorm_x", "dropout"]) == ["batchnorm_x"]  # contained
    assert close_names("zzz", ["study"]) == []


def test_suspended_cuts_a_long_question_after_a_whole_word(db_url, tmp_path, capsys, monkeypatch):
    from flashdl.formats.toml_deck import read_toml_deck
    from flashdl.store import open_store
    from flashdl.store.reviews import set_suspended
    from flashdl.store.sync import sync_deck

    front = ("Which regularizer keeps every weight small but never exactly zero, "
             "unlike its sparse cousin?")
    path = write_deck(tmp_path / "decks", "held", [(front, "L2."), ("Short one?", "Yes.")])
    with open_store(db_url) as store:
        with store.write() as session:
            sync_deck(session, read_toml_deck(path), origin="import")
        from sqlalchemy import select

        from flashdl.store.models import Card
        with store.read() as session:
            ids = session.scalars(select(Card.id).order_by(Card.key)).all()
        for card in ids:
            set_suspended(store, card)
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["--db", db_url, "suspended", "held"]) == 0
    out = capsys.readouterr().out.splitlines()
    long_line = next(line for line in out if line.startswith("held/c0"))
    assert len(long_line) < 60
    shown = long_line.split("(suspended)  ", 1)[1]
    assert shown.endswith("…")
    kept = shown[:-1]
    assert front.startswith(kept) and front[len(kept)] in " ,"  # cut between words
    assert "held/c1  (suspended)  Short one?" in out  # short ones are shown whole, no "…"


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, list):
        for item in value:
            yield from _floats(item)


def test_demo_json_has_no_float_noise_but_keeps_the_precision(capsys):
    assert run_demo_command("momentum", False, [], 0, True) == 0
    data = json.loads(capsys.readouterr().out)
    floats = list(_floats(data))
    assert floats and all(f == float(f"{f:.12g}") for f in floats)  # at most 12 digits
    # -10 * 0.99**4 is -9.6059601 in decimal; binary arithmetic makes it -9.605960099999999
    assert data["values"]["path_sgd"][4][0] == -9.6059601
    exact = run_demo("momentum").values["path_sgd"].ravel().tolist()
    shown = [x for point in data["values"]["path_sgd"] for x in point]
    assert shown == pytest.approx(exact, rel=1e-11, abs=0)


def _plots(name: str) -> list[str]:
    result = run_demo(name)
    shown = []
    for part in plot_text(get_demo(name), result, 80):
        console = Console(file=io.StringIO(), width=80, color_system=None)
        console.print(part)
        shown.append(console.file.getvalue())
    return shown


def _axis_labels(plot: str) -> list[str]:
    lines = plot.splitlines()
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[bottom + 1].split()


@pytest.mark.parametrize("name", ["lr_schedule", "early_stopping"])
def test_whole_number_steps_get_whole_number_ticks(name):
    labels = _axis_labels(_plots(name)[0])
    assert len(labels) >= 3 and all(re.fullmatch(r"\d+", label) for label in labels), labels
    values = [int(label) for label in labels]
    assert len({b - a for a, b in zip(values, values[1:], strict=False)}) == 1  # evenly spaced


def test_the_legend_is_under_the_plot_never_over_its_curves():
    plot = _plots("early_stopping")[0]
    lines = plot.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    inside = "\n".join(lines[top:bottom + 1])
    assert "train loss" not in inside and "val loss" not in inside
    legend = "\n".join(lines[bottom + 1:])
    assert "━━ train loss" in legend and "━━ val loss" in legend
