"""Card kinds and card text on the study screen: markup never interpreted, exercises, demos
(beside the answer when wide, below when narrow, NumPy loaded only on reveal)."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fixtures.study.kit import (
    TODAY,
    card_ids,
    flat,
    make_app,
    make_store,
    review_log,
    screen_text,
    settle,
)

from flashdl.tui.screens.study import StudyScreen
from flashdl.tui.widgets.grade_bar import GradeButton

INJECTION = "[b]not bold[/b] [@click=app.quit]quit now[/] [link=https://example.com]x[/link]"

INJECTION_DECK = f'''
[deck]
id = "inject"
name = "[b]Deck[/b] [@click=app.quit]boom[/]"

[[cards]]
id = "markup"
front = {INJECTION!r}
back = """
{INJECTION}

A real Markdown link: [the docs](https://example.com/docs).
"""
'''

EXERCISE_DECK = '''
[deck]
id = "exercise"
name = "Exercises"

[[cards]]
id = "dropout-scale"
front = "Inverted dropout: compute the scale."
back = "Kept units are multiplied by $\\\\frac{1}{1-p}$."
demo = { name = "dropout", params = { mode = "inverted" } }
kind = "exercise"
'''


def deck_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "deck.toml").write_text(text, encoding="utf-8")
    return folder


def find(text: str, needle: str) -> tuple[int, int]:
    """(column, row) of ``needle`` on the screen."""
    for row, line in enumerate(text.splitlines()):
        col = line.find(needle)
        if col >= 0:
            return col, row
    raise AssertionError(f"{needle!r} is not on the screen")


async def test_card_text_is_shown_literally_and_is_never_a_textual_action(tmp_path, db_url, monkeypatch):
    store = make_store(db_url, deck_folder(tmp_path, INJECTION_DECK))
    store.close()
    app = make_app(db_url, initial="study", deck_keys=["inject"])
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        text = screen_text(app)
        # front and back: the brackets are characters, not markup
        assert text.count("[b]not bold[/b] [@click=app.quit]quit now[/]") == 2
        assert text.count("[link=https://example.com]x[/link]") == 2
        # the deck name (card meta line) too
        assert "[b]Deck[/b] [@click=app.quit]boom[/]" in text

        # clicking the would-be actions does nothing at all
        for needle in ("quit now", "[link=https", "boom"):
            col, row = find(text, needle)
            await pilot.click(offset=(col + 1, row))
            await settle(pilot, rounds=1)
            assert app.is_running and isinstance(app.screen, StudyScreen)
        # a real Markdown link only shows its address; nothing is opened
        col, row = find(text, "the docs")
        await pilot.click(offset=(col + 2, row))
        await settle(pilot)
        assert opened == []
        assert "https://example.com/docs" in flat(screen_text(app))
        assert app.is_running


async def test_deck_names_are_never_markup_in_the_deck_list(tmp_path, db_url):
    make_store(db_url, deck_folder(tmp_path, INJECTION_DECK)).close()
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[b]Deck[/b] [@click=app.quit]boom[/]" in text
        col, row = find(text, "boom")
        await pilot.click(offset=(col + 1, row))
        await settle(pilot)
        assert app.is_running


async def study_exercise(db_url: str, tmp_path: Path, pilot_body) -> None:
    make_store(db_url, deck_folder(tmp_path, EXERCISE_DECK)).close()
    app = make_app(db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = StudyScreen(app.store, today=TODAY, deck_keys=["exercise"], exercise_seeds=random.Random(7))
        await app.push_screen(screen)
        await settle(pilot)
        await pilot_body(app, pilot)


def expected_exercise():
    from flashdl.engine import make_exercise

    seed = random.Random(7).randrange(2**32)
    return make_exercise("dropout", seed=seed, mode="inverted")


async def test_an_exercise_checks_a_right_answer_and_suggests_a_4(db_url, tmp_path):
    exercise = expected_exercise()

    async def body(app, pilot):
        text = flat(screen_text(app))
        assert flat(exercise.prompt) in text  # the freshly generated question
        assert app.focused.id == "exercise-input"
        await pilot.press(*f"{exercise.answer[0]:.6g}", "enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "✓ Right" in text
        assert flat(exercise.worked)[:40] in text  # the worked answer
        assert "Kept units are multiplied by 1/(1-p)" in text  # and the card's back
        assert app.screen.query_one("#grade-4", GradeButton).has_class("-suggested")
        await pilot.press("enter")  # accept the suggestion
        await settle(pilot)
        ids = card_ids(app.store, "exercise")
        assert review_log(app.store) == [(ids["dropout-scale"], 4, "study")]

    await study_exercise(db_url, tmp_path, body)


async def test_a_wrong_exercise_answer_suggests_a_1_and_any_grade_can_be_chosen(db_url, tmp_path):
    exercise = expected_exercise()

    async def body(app, pilot):
        wrong = exercise.answer[0] * 3 + 1
        await pilot.press(*f"{wrong:g}", "enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "✗ Not quite" in text and f"the answer is {exercise.answer[0]:.6g}" in text
        assert app.screen.query_one("#grade-1", GradeButton).has_class("-suggested")
        await pilot.press("2")  # the learner overrides the suggestion
        await settle(pilot)
        ids = card_ids(app.store, "exercise")
        assert review_log(app.store) == [(ids["dropout-scale"], 2, "study")]

    await study_exercise(db_url, tmp_path, body)


async def test_an_empty_enter_in_an_exercise_is_ignored_and_keeps_the_focus(db_url, tmp_path):
    async def body(app, pilot):
        await pilot.press("enter")  # nothing typed: a slip, not an answer
        await settle(pilot)
        text = flat(screen_text(app))
        assert "No answer given" not in text
        assert "press Esc to give up" in text
        assert app.focused.id == "exercise-input"
        assert app.screen.phase == "front"
        await pilot.press("b")  # typed into the box, not taken as "bury"
        await settle(pilot)
        assert app.focused.id == "exercise-input"
        assert app.focused.value == "b"
        assert review_log(app.store) == []
        assert app.screen.card is not None and app.screen.phase == "front"

    await study_exercise(db_url, tmp_path, body)


async def test_each_showing_of_an_exercise_poses_fresh_numbers(db_url, tmp_path):
    async def body(app, pilot):
        await pilot.press("escape", "enter")  # give up: no answer counts as wrong, suggests 1
        await settle(pilot)
        assert "No answer given" in flat(screen_text(app))
        first = app.screen.query_one("#exercise-prompt").render()
        await pilot.press("enter")  # grade 1: the card comes straight back (nothing else left)
        await settle(pilot)
        second = app.screen.query_one("#exercise-prompt").render()
        assert str(first) != str(second)

    await study_exercise(db_url, tmp_path, body)


@pytest.mark.parametrize(("size", "beside"), [((120, 40), True), ((80, 24), False)])
async def test_the_demo_panel_sits_beside_the_answer_when_wide_and_below_when_narrow(db_url, size, beside):
    make_store(db_url).close()
    app = make_app(db_url, initial="study", deck_keys=["study-demo"])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        from flashdl.tui.widgets.demo_panel import DemoPanel

        panel = app.screen.query_one(DemoPanel)
        answer = app.screen.query_one("#answer-text")
        assert panel.result is not None  # the demo ran
        if beside:
            assert panel.region.x > answer.region.right - 1
            assert panel.region.y == answer.region.y
        else:
            assert panel.region.y >= answer.region.bottom
            assert panel.region.x == answer.region.x
        # r re-runs the demo with the next seed while the card has the focus
        seed = panel.seed
        await pilot.press("r")
        await settle(pilot, rounds=1)
        assert panel.seed != seed


def test_numpy_is_loaded_only_when_a_demonstrate_card_is_revealed(db_url, flashdl_home):
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from fixtures.study.kit import make_app, make_store, settle

        make_store({db_url!r}).close()

        async def main():
            app = make_app({db_url!r}, initial="study", deck_keys=["study-demo"])
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                assert app.screen.card.kind == "demonstrate"
                print("front", "numpy" in sys.modules)
                await pilot.press("space")
                await settle(pilot)
                print("revealed", "numpy" in sys.modules)

        asyncio.run(main())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["front", "False", "revealed", "True"]


CLOZE_DECK = """
[deck]
id = "cloze"
name = "Cloze"

[[cards]]
id = "adam"
front = "Adam keeps running averages of the gradient and of its ____."
back = "square (the second moment, $v_t$)"
kind = "cloze"
"""


async def test_a_cloze_card_is_studied_like_a_basic_card(tmp_path, db_url):
    make_store(db_url, deck_folder(tmp_path, CLOZE_DECK)).close()
    app = make_app(db_url, initial="study", deck_keys=["cloze"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "running averages of the gradient and of its ____." in screen_text(app)
        await pilot.press("space")
        await settle(pilot)
        assert "square (the second moment, vₜ)" in screen_text(app)
        await pilot.press("5")
        await settle(pilot)
    assert [grade for _, grade, _ in review_log_of(db_url)] == [5]


def review_log_of(db_url: str):
    from flashdl.store import open_store

    with open_store(db_url) as store:
        return review_log(store)


async def test_the_demo_panel_marks_the_parameter_that_brackets_step_from_the_start():
    from textual.app import App, ComposeResult

    from flashdl.tui.widgets.demo_panel import DemoPanel, ParamRow

    class PanelApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DemoPanel("dropout", {"p": 0.5}, autorun=False)

    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = list(app.query(ParamRow))
        assert [r.has_class("-selected") for r in rows] == [True] + [False] * (len(rows) - 1)
        assert str(rows[0].render()).startswith("▸ p = ")  # visible before any Tab
        assert not str(rows[1].render()).startswith("▸")
        panel = app.query_one(DemoPanel)
        panel.focus()
        await pilot.press("tab", "down")  # the second parameter
        await pilot.pause()
        assert [r.has_class("-selected") for r in rows][:2] == [False, True]
        assert str(rows[1].render()).startswith("▸ ")


async def test_an_exercise_takes_arithmetic_and_reasks_text_that_is_not_a_number(db_url, tmp_path):
    exercise = expected_exercise()
    data = exercise.data

    async def body(app, pilot):
        await pilot.press(*"abc", "enter")  # not a number: asked again, not graded
        await settle(pilot)
        text = flat(screen_text(app))
        assert "'abc' is not a number" in text and "3*0.98^10" in text
        assert "Not quite" not in text and app.screen.phase == "front"
        assert app.focused.id == "exercise-input"
        app.focused.value = ""
        worked = f"{data['x']:g}*{data['bit']}/(1-{data['p']:g})"  # the computation, not the result
        await pilot.press(*worked, "enter")
        await settle(pilot)
        assert "✓ Right" in flat(screen_text(app))
        assert app.screen.query_one("#grade-4", GradeButton).has_class("-suggested")

    await study_exercise(db_url, tmp_path, body)
