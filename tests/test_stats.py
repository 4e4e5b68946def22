"""Statistics: exact figures from a small history, on SQLite and PostgreSQL, and `flashdl stats`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from storeutil import card_id, fixture_decks

from flashdl.stats.heatmap import build_heatmap
from flashdl.stats.queries import FORECAST_DAYS, bucket_label, compute_stats, streaks
from flashdl.store import open_store
from flashdl.store.models import QuizAnswer, QuizAttempt, ReviewState, utcnow
from flashdl.store.reviews import record_answer, set_suspended
from flashdl.store.sync import sync_builtin_decks

DAY = dt.date(2026, 3, 14)


def days_ago(n: int) -> dt.date:
    return DAY - dt.timedelta(days=n)


@pytest.fixture
def history(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """alpha: a1 answered three times (4, 5, then forgotten), a2 once, a3 suspended, a4 new;
    beta: b1 answered ten days ago, b2 with an imported mature schedule; two quizzes."""
    store = open_store(db_url)
    sync_builtin_decks(store, fixture_decks(tmp_path))
    ids = {key: card_id(store, deck, key) for deck, key in
           [("alpha", "a1"), ("alpha", "a2"), ("alpha", "a3"), ("alpha", "a4"),
            ("beta", "b1"), ("beta", "b2")]}
    record_answer(store, ids["b1"], 4, today=days_ago(10), duration_ms=4_000)
    record_answer(store, ids["a1"], 4, today=days_ago(2), duration_ms=10_000)
    record_answer(store, ids["a1"], 5, today=days_ago(1), duration_ms=20_000)
    record_answer(store, ids["a1"], 2, today=DAY, duration_ms=30_000)
    record_answer(store, ids["a2"], 4, today=DAY, duration_ms=60_000)
    set_suspended(store, ids["a3"], True)
    with store.write() as session:
        session.add(ReviewState(card_id=ids["b2"], repetitions=4, ef_hundredths=230, interval=30,
                                due=DAY + dt.timedelta(days=20), needs_redrill=False, lapses=0))
        first = QuizAttempt(started_at=utcnow() - dt.timedelta(hours=2), decks=["alpha"],
                            types=["mc", "typed"], question_count=3, correct_count=2,
                            finished_at=utcnow() - dt.timedelta(hours=1))
        second = QuizAttempt(started_at=utcnow(), decks=["beta"], types=["tf"],
                             question_count=1, correct_count=1)
        session.add_all([first, second])
        session.flush()
        for attempt, card, qtype, correct in [
            (first, ids["a1"], "mc", True), (first, ids["a2"], "mc", False),
            (first, ids["a4"], "typed", True), (second, ids["b1"], "tf", True),
        ]:
            session.add(QuizAnswer(attempt_id=attempt.id, card_id=card, position=0, qtype=qtype,
                                   prompt="p", expected="e", given="g", correct=correct))
    yield store
    store.close()


def test_reviews_and_time_per_day_and_totals(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY)
    assert stats.reviews_by_day == {days_ago(10): 1, days_ago(2): 1, days_ago(1): 1, DAY: 2}
    assert stats.seconds_by_day == {days_ago(10): 4, days_ago(2): 10, days_ago(1): 20, DAY: 90}
    assert (stats.total_reviews, stats.reviews_last_year, stats.total_seconds) == (5, 5, 124)


def test_streak_counts_consecutive_days_up_to_today(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY)
        tomorrow = compute_stats(session, DAY + dt.timedelta(days=1))
        later = compute_stats(session, DAY + dt.timedelta(days=2))
    assert (stats.current_streak, stats.longest_streak) == (3, 3)
    assert tomorrow.current_streak == 3  # not broken until the day is over
    assert later.current_streak == 0 and later.longest_streak == 3


def test_retention_by_interval_before_the_answer(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY)
    by_label = {b.label: (b.reviews, b.passed) for b in stats.retention}
    assert by_label["new"] == (3, 3)  # a1, a2, b1 first answers, all graded 4
    assert by_label["1 d"] == (1, 1)  # a1 at interval 1, graded 5
    assert by_label["2-6 d"] == (1, 0)  # a1 at interval 6, forgotten
    assert sum(b.reviews for b in stats.retention) == 5
    assert stats.overall_retention == pytest.approx(4 / 5)


def test_retention_counts_only_the_first_answer_of_a_day(history) -> None:  # type: ignore[no-untyped-def]
    """A redrill the same day is not a test of memory after an interval: a2 (interval 1 after
    its first answer today) missed twice more today leaves the "1 d" bucket as it was."""
    a2 = card_id(history, "alpha", "a2")
    record_answer(history, a2, 1, today=DAY)
    record_answer(history, a2, 5, today=DAY)
    with history.read() as session:
        stats = compute_stats(session, DAY)
    by_label = {b.label: (b.reviews, b.passed) for b in stats.retention}
    assert by_label["new"] == (3, 3) and by_label["1 d"] == (1, 1)
    assert sum(b.reviews for b in stats.retention) == 5
    assert stats.reviews_by_day[DAY] == 4  # the answers themselves still count as work done


def test_forecast_puts_overdue_cards_on_today(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY)
    forecast = dict(stats.forecast)
    assert len(stats.forecast) == FORECAST_DAYS and stats.forecast[0][0] == DAY
    # a1 was forgotten today (due today), b1 has been due since nine days ago
    assert forecast[DAY] == 2
    assert forecast[DAY + dt.timedelta(days=1)] == 1  # a2
    assert forecast[DAY + dt.timedelta(days=20)] == 1  # b2
    assert sum(forecast.values()) == 4


def test_easiness_distribution_and_deck_progress(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY)
    # a1: 2.5 -> 2.5 (grade 4) -> 2.6 (grade 5), unchanged when forgotten; a2, b1: 2.5; b2: 2.3
    assert stats.easiness == [(2.3, 1), (2.5, 2), (2.6, 1)]
    progress = {p.key: (p.total, p.new, p.learning, p.mature, p.suspended) for p in stats.progress}
    assert progress == {"alpha": (4, 1, 2, 0, 1), "beta": (2, 0, 1, 1, 0)}
    for p in stats.progress:  # each card in exactly one of new / learning / mature / suspended
        assert p.new + p.learning + p.mature + p.suspended == p.total


def test_a_suspended_card_with_a_schedule_counts_only_as_suspended(history) -> None:  # type: ignore[no-untyped-def]
    set_suspended(history, card_id(history, "beta", "b2"), True)  # mature, now suspended
    with history.read() as session:
        stats = compute_stats(session, DAY)
    progress = {p.key: (p.total, p.new, p.learning, p.mature, p.suspended) for p in stats.progress}
    assert progress["beta"] == (2, 0, 1, 0, 1)


def test_quiz_history_and_accuracy_by_type(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY)
    assert [(t.qtype, t.answered, t.correct) for t in stats.quiz_by_type] == [
        ("mc", 2, 1), ("tf", 1, 1), ("typed", 1, 1)
    ]
    assert (stats.quiz_answered, stats.quiz_correct) == (4, 3)
    assert [(q.decks, q.questions, q.correct, q.finished) for q in stats.quiz_recent] == [
        (["beta"], 1, 1, False), (["alpha"], 3, 2, True)
    ]
    assert [q.decks_label for q in stats.quiz_recent] == ["beta", "alpha"]


def test_a_quiz_over_every_deck_is_listed_as_all_decks(history) -> None:  # type: ignore[no-untyped-def]
    from flashdl.stats.queries import QuizRecord
    from flashdl.stats.render import render_text

    with history.write() as session:
        session.add(QuizAttempt(started_at=utcnow() + dt.timedelta(hours=1), decks=["alpha", "beta"],
                                types=["mc"], question_count=2, correct_count=1))
    with history.read() as session:
        stats = compute_stats(session, DAY)
    assert stats.quiz_recent[0].all_decks and stats.quiz_recent[0].decks_label == "all decks"
    assert not stats.quiz_recent[1].all_decks
    assert "all decks" in render_text(stats) and "alpha, beta" not in render_text(stats)
    many = QuizRecord(utcnow(), ["a", "b", "c", "d"], 1, 1, True)
    assert many.decks_label == "4 decks"
    assert QuizRecord(utcnow(), ["a", "b", "c"], 1, 1, True).decks_label == "a, b, c"


def test_deck_filter_limits_every_figure(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        stats = compute_stats(session, DAY, ["beta"])
    assert stats.reviews_by_day == {days_ago(10): 1}
    assert (stats.current_streak, stats.longest_streak) == (0, 1)
    assert [p.key for p in stats.progress] == ["beta"]
    assert stats.easiness == [(2.3, 1), (2.5, 1)]
    assert sum(n for _, n in stats.forecast) == 2
    assert [t.qtype for t in stats.quiz_by_type] == ["tf"]
    assert [q.decks for q in stats.quiz_recent] == [["beta"]]


def test_empty_store_has_zero_figures_not_errors(db_url: str, tmp_path: Path) -> None:
    with open_store(db_url) as store, store.read() as session:
        stats = compute_stats(session, DAY)
    assert stats.total_reviews == 0 and stats.overall_retention is None
    assert stats.current_streak == stats.longest_streak == 0
    assert stats.progress == [] and stats.easiness == [] and stats.quiz_recent == []
    json.dumps(stats.to_dict())  # serialisable as it is


def test_json_form_carries_the_same_figures(history) -> None:  # type: ignore[no-untyped-def]
    with history.read() as session:
        data = json.loads(json.dumps(compute_stats(session, DAY).to_dict()))
    assert data["totals"]["reviews"] == 5 and data["totals"]["retention"] == 0.8
    assert data["reviews_per_day"][DAY.isoformat()] == 2
    assert data["streak"] == {"current": 3, "longest": 3}
    assert {d["key"]: d["mature"] for d in data["decks_progress"]} == {"alpha": 0, "beta": 1}
    assert data["quiz"]["accuracy"] == 0.75


def test_streaks_from_day_lists() -> None:
    d = dt.date(2026, 1, 10)
    run = [d - dt.timedelta(days=i) for i in (6, 5, 4, 2, 1)]
    assert streaks(run, d) == (2, 3)  # yesterday and the day before; longest 3
    assert streaks(run + [d], d) == (3, 3)
    assert streaks(run[:3], d) == (0, 3)
    assert streaks([], d) == (0, 0)


def test_interval_buckets_cover_every_interval() -> None:
    assert bucket_label(None) == "new"
    assert [bucket_label(i) for i in (0, 1, 2, 6, 7, 20, 21, 59, 60, 179, 180, 5000)] == [
        "0 d (relearning)", "1 d", "2-6 d", "2-6 d", "7-20 d", "7-20 d", "21-59 d", "21-59 d",
        "60-179 d", "60-179 d", "180+ d", "180+ d",
    ]


def test_heatmap_puts_each_day_on_its_weekday_and_week() -> None:
    last = dt.date(2026, 3, 14)  # a Saturday
    first = last - dt.timedelta(days=364)
    counts = {last: 40, last - dt.timedelta(days=1): 1, first: 5}
    heatmap = build_heatmap(counts, first, last)
    assert heatmap.start.weekday() == 0 and heatmap.start <= first
    assert heatmap.rows[5][-1] == 40  # Saturday, last column
    assert heatmap.rows[4][-1] == 1
    assert heatmap.rows[6][-1] is None  # Sunday after the period
    assert heatmap.rows[first.weekday()][0] == 5
    assert sum(c for row in heatmap.rows for c in row if c) == 46
    assert heatmap.level(0) == 0 and heatmap.level(40) == 4 and heatmap.level(1) == 1
    text = heatmap.to_text()
    assert text.splitlines()[6].startswith("Sat") is False  # only Mon/Wed/Fri/Sun are labelled
    assert "█" in text and "Mar" in text.splitlines()[0]


def test_empty_series_print_a_sentence_not_a_chart(db_url: str, tmp_path: Path) -> None:
    from flashdl.stats.render import render_text

    with open_store(db_url) as store:
        sync_builtin_decks(store, fixture_decks(tmp_path))
        with store.read() as session:
            text = render_text(compute_stats(session, DAY))
    assert "No reviews yet in the last 30 days." in text
    assert "No cards due in the next 30 days." in text  # new cards are not due reviews
    assert "Easiness: no card has been answered yet." in text
    assert "-1.0" not in text and "-1 " not in text  # no chart with a meaningless -1..1 axis


def test_stats_command_prints_charts_and_json(fixed_clock, flashdl_home: Path, tmp_path: Path,
                                             capsys) -> None:
    from flashdl.cli import main
    from flashdl.formats.toml_deck import read_toml_deck
    from flashdl.store.sync import sync_deck

    today = fixed_clock.today
    with open_store() as store:
        with store.write() as session:  # imported, so the CLI's built-in sync leaves it alone
            sync_deck(session, read_toml_deck(fixture_decks(tmp_path) / "alpha.toml"),
                      origin="import")
        a1 = card_id(store, "alpha", "a1")
        record_answer(store, a1, 4, today=today - dt.timedelta(days=1), duration_ms=65_000)
        record_answer(store, a1, 5, today=today, duration_ms=5_000)
    assert main(["stats", "alpha", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decks"] == ["alpha"]
    assert data["totals"]["reviews"] == 2 and data["streak"]["current"] == 2
    assert data["totals"]["seconds_studied"] == 70

    assert main(["stats", "alpha"]) == 0
    out = capsys.readouterr().out
    for heading in ("Reviews per day, last 365 days", "Cards due, next 30 days",
                    "Retention by interval", "Cards by easiness factor", "Progress per deck",
                    "Minutes studied per day"):
        assert heading in out
    assert "\x1b[" not in out  # no colour codes when not on a terminal
    assert "2 day(s)" in out  # the streak
    assert "reviews a day: · 0, █ 1" in out  # one answer on each day: one level, the darkest

    assert main(["stats", "no-such-deck"]) == 2
    err = capsys.readouterr().err
    assert "no deck called 'no-such-deck'" in err and "Traceback" not in err
