"""``flashdl quiz``: arguments are checked before the terminal UI starts; the UI gets them all."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import REPO, run_flashdl
from fixtures.quiz_support import FIXTURE_DECK, import_fixture_deck

from flashdl.cli import main
from flashdl.quiz.builder import build_quiz
from flashdl.quiz.cards import QUESTION_TYPES


class RecordingApp:
    """Stands in for FlashdlApp: records how the command started the UI."""

    started: list[dict] = []

    def __init__(self, store_url=None, **kwargs):
        self.kwargs = {"store_url": store_url, **kwargs}
        self.error = None
        self.return_code = 0

    def run(self):
        RecordingApp.started.append(self.kwargs)


class NoDb:
    db = None


@pytest.fixture
def home_store():
    """The store flashdl opens by default (in this test's FLASHDL_HOME), with the fixture deck."""
    from flashdl.commands.common import open_synced_store

    store = open_synced_store(NoDb())
    import_fixture_deck(store)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def recorded(monkeypatch):
    import flashdl.commands.common
    import flashdl.tui.app

    RecordingApp.started = []
    monkeypatch.setattr(flashdl.tui.app, "FlashdlApp", RecordingApp)
    # pytest's stdin is no terminal; the recording app draws nothing anyway
    monkeypatch.setattr(flashdl.commands.common, "require_terminal", lambda command: None)
    return RecordingApp.started


@pytest.mark.parametrize("args,message", [
    (["--types", "mc,essay"], "unknown question type 'essay' (use some of mc,tf,typed,match,exercise)"),
    (["--types", ","], "no question types given"),
    (["--count", "0"], "--count must be at least 1, not 0"),
    (["--count", "ten"], "--count must be a whole number, not 'ten'"),
    (["--time-limit", "-5"], "--time-limit must be a positive number of minutes, not -5"),
    (["--time-limit", "0"], "--time-limit must be a positive number of minutes"),
    (["--time-limit", "soon"], "--time-limit must be a number of minutes, not 'soon'"),
    (["--time-limit", "nan"], "--time-limit must be a positive number of minutes"),
    (["--seed", "-1"], "--seed must be at least 0"),
    (["no-such-deck"], "no deck called 'no-such-deck'"),
])
def test_bad_arguments_are_one_clear_line_and_no_ui(args, message, recorded, capsys):
    assert main(["quiz", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("flashdl: error: ") and err.count("\n") == 1
    assert message in err
    assert recorded == []


def test_an_empty_selection_is_an_error_before_the_ui(home_store, recorded, capsys):
    from flashdl.store.quiz import load_selection
    from flashdl.store.reviews import set_suspended

    _, cards = load_selection(home_store, [FIXTURE_DECK])
    for c in cards:
        set_suspended(home_store, c.card_id)
    assert main(["quiz", FIXTURE_DECK]) == 2
    err = capsys.readouterr().err
    assert f"there are no cards to quiz on in {FIXTURE_DECK}" in err and err.count("\n") == 1
    assert recorded == []


def test_valid_arguments_reach_the_quiz_screen(home_store, recorded):
    rc = main(["quiz", "Quiz Fixture", "--count", "7", "--types", "tf,mc", "--time-limit", "2.5",
               "--seed", "99", "--update-schedule"])
    assert rc == 0
    [started] = recorded
    assert started["initial"] == "quiz" and started["store_url"] is None
    config = started["quiz_config"]
    assert config.deck_keys == (FIXTURE_DECK,)
    assert (config.count, config.types, config.time_limit_s, config.seed) == (7, ("tf", "mc"), 150, 99)
    assert config.update_schedule is True


def test_defaults_quiz_every_deck_with_every_type_and_a_fresh_seed(recorded):
    assert main(["quiz"]) == 0
    assert main(["quiz"]) == 0
    first, second = (s["quiz_config"] for s in recorded)
    assert first.deck_keys is None and first.count == 10 and first.types == QUESTION_TYPES
    assert first.time_limit_s is None and first.update_schedule is False
    assert first.seed != second.seed  # without --seed each quiz is a new one


def test_the_real_command_fails_cleanly_without_importing_textual():
    probe = (
        "import sys\n"
        "from flashdl.cli import main\n"
        "rc = main(['quiz', '--time-limit', '-3'])\n"
        "print(rc, 'textual' in sys.modules, 'numpy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert result.stdout.split() == ["2", "False", "False"]
    assert result.stderr.strip() == (
        "flashdl: error: --time-limit must be a positive number of minutes, not -3"
    )
    cli = run_flashdl("quiz", "--types", "essay")
    assert cli.returncode == 2 and "Traceback" not in cli.stderr
    assert cli.stderr.strip().startswith("flashdl: error: unknown question type 'essay'")


def test_a_mixed_quiz_over_the_built_in_decks_has_every_type(store):
    from flashdl.store.quiz import load_selection

    _, cards = load_selection(store, None)
    plan = build_quiz(cards, count=10, seed=2026)
    assert {q.qtype for q in plan.questions} == set(QUESTION_TYPES)
    assert plan.notices == ()
    for question in plan.questions:
        if question.qtype == "exercise":
            assert question.exercise.check(question.expected)


@pytest.mark.slow
def test_flashdl_quiz_runs_in_a_real_terminal(home_store, flashdl_home):
    """The whole path: the command, FlashdlApp, the quiz and end screens, the stored answer."""
    pexpect = pytest.importorskip("pexpect")
    from sqlalchemy import select

    from flashdl.store.models import QuizAnswer, QuizAttempt

    child = pexpect.spawn(
        sys.executable, ["-m", "flashdl", "quiz", FIXTURE_DECK, "--count", "1", "--types", "tf",
                         "--seed", "1"],
        cwd=str(REPO), env={**os.environ, "TERM": "xterm-256color"},
        dimensions=(24, 80), encoding="utf-8", timeout=30,
    )
    try:
        child.expect("Does this answer the question above")
        child.send("t")
        child.expect("answer to this question")
        child.send("\r")
        child.expect("Quiz finished")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    with home_store.read() as session:
        assert len(session.execute(select(QuizAnswer)).scalars().all()) == 1
        attempt = session.execute(select(QuizAttempt)).scalar_one()
        assert attempt.finished_at is not None and attempt.seed == 1


@pytest.mark.slow
def test_every_question_type_answered_in_a_real_terminal_is_stored_as_typed(home_store,
                                                                            flashdl_home):
    """A quiz with one question of each type, answered with keys in tmux (typed answers key by
    key, some right, some wrong); the database then holds exactly what was answered."""
    from helpers.tmux import terminal
    from sqlalchemy import select

    from flashdl.quiz.builder import build_quiz
    from flashdl.store.models import QuizAnswer, QuizAttempt
    from flashdl.store.quiz import load_selection

    _, cards = load_selection(home_store, [FIXTURE_DECK])
    plan = build_quiz(cards, count=5, seed=11)  # what `--count 5 --seed 11` asks
    assert sorted(q.qtype for q in plan.questions) == sorted(QUESTION_TYPES)
    expected = []  # (position, qtype, card id, given, correct) as the quiz must store them
    argv = [sys.executable, "-m", "flashdl", "quiz", FIXTURE_DECK, "--count", "5", "--seed", "11"]
    with terminal(argv, env={"FLASHDL_HOME": str(flashdl_home)}, cwd=REPO,
                  size=(100, 40)) as term:
        for number, question in enumerate(plan.questions, 1):
            term.wait_for(f"Question {number} of 5")
            position = len(expected)
            if question.qtype == "mc":  # wrong on purpose: the option after the right one
                wrong = (question.answer_index + 1) % len(question.options)
                term.keys(str(wrong + 1))
                expected.append((position, "mc", question.card.card_id,
                                 question.options[wrong], False))
            elif question.qtype == "tf":
                term.keys("t" if question.is_true else "f")
                expected.append((position, "tf", question.card.card_id,
                                 "yes" if question.is_true else "no", True))
            elif question.qtype in ("typed", "exercise"):
                text = question.accepted[0] if question.qtype == "typed" else question.expected
                term.type(text)  # key by key, as the terminal delivers typing
                term.keys("Enter")
                expected.append((position, question.qtype, question.card.card_id, text, True))
            else:  # match: the first two pairs swapped, the other three right
                chosen = [question.solution[1], question.solution[0], *question.solution[2:]]
                for prompt, answer in enumerate(chosen):
                    term.keys(str(prompt + 1), "abcde"[answer])
                term.keys("Enter")
                for i, card in enumerate(question.match_cards):
                    expected.append((position + i, "match", card.card_id,
                                     question.answers[chosen[i]], chosen[i] == question.solution[i]))
            term.wait_for("3 of 5 pairs right" if question.qtype == "match"
                          else "✗ Wrong." if question.qtype == "mc" else "✓ Right.")
            if number < 5 and plan.questions[number].qtype == "match":
                # a double Enter: the second one arrives while the matching question is being set
                # up (it used to crash the quiz) and must do nothing
                term.keys("Enter", "Enter")
            else:
                term.keys("Enter")
        shown = term.wait_for("Quiz finished.")
        assert "Score 3/5 (60%)" in shown  # tf, typed, exercise; mc wrong, matching not all right
        term.keys("q")
        term.wait_exit()
    with home_store.read() as session:
        stored = [(a.position, a.qtype, a.card_id, a.given, a.correct)
                  for a in session.execute(select(QuizAnswer).order_by(QuizAnswer.position))
                  .scalars()]
        attempt = session.execute(select(QuizAttempt)).scalar_one()
        assert (attempt.seed, attempt.correct_count, attempt.question_count) == (11, 3, 5)
        assert attempt.finished_at is not None
    assert stored == expected
