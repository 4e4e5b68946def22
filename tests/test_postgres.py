"""A shared store on PostgreSQL: every command through ``FLASHDL_DB=postgresql+psycopg://...``.

The tests here run on PostgreSQL (where its server binaries exist; skipped elsewhere), the way
the rest of the suite runs on SQLite: whatever works on the learner's own file must work the same
on a class's shared server.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import run_flashdl
from fixtures.study.kit import TODAY, make_app, make_store, settle
from helpers.waiting import pilot_wait_until
from sqlalchemy import select

from flashdl.store import open_store
from flashdl.store.migrate import SCHEMA_HEAD, current_revision
from flashdl.store.models import Card, ReviewLog, ReviewState
from flashdl.tui.screens.stats import StatsScreen
from flashdl.tui.screens.study import StudyScreen


def test_the_backend_is_the_one_asked_for(db_url: str, db_backend: str) -> None:
    with open_store(db_url) as store:
        assert store.engine.dialect.name == {"sqlite": "sqlite", "postgres": "postgresql"}[db_backend]
        assert current_revision(store) == SCHEMA_HEAD


@pytest.mark.postgres_only  # on SQLite, each command has its own tests
def test_command_line_on_the_database(db_url: str, tmp_path: Path) -> None:
    env = {"FLASHDL_DB": db_url}
    source = tmp_path / "words.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[f"Front {i} [b]not markup[/b]", f"Back {i}"] for i in range(30)])

    result = run_flashdl("import", str(source), "--deck", "Words", env=env)
    assert result.returncode == 0, result.stderr
    decks = json.loads(run_flashdl("decks", "--json", env=env).stdout)["decks"]
    words = [d for d in decks if d["name"] == "Words"]
    assert words and words[0]["total"] == 30 and words[0]["unseen"] == 30
    assert words[0]["new"] == 20  # what a session would introduce today: the daily limit
    assert len(decks) > 1  # the built-in decks were loaded too

    with open_store(db_url) as store:
        from flashdl.store.reviews import record_answer, undo_answer

        with store.read() as session:
            first, second = session.scalars(
                select(Card.id).where(Card.deck_id == select(Card.deck_id).where(
                    Card.front.like("Front 0 %")).scalar_subquery()).order_by(Card.position)
            ).all()[:2]
        today = dt.date.today()
        new_answer = record_answer(store, first, 4, today=today, duration_ms=3000)
        record_answer(store, second, 5, today=today)
        undo_answer(store, new_answer.log_id)
        record_answer(store, first, 2, today=today)
        with store.read() as session:
            log = session.scalars(select(ReviewLog).order_by(ReviewLog.id)).all()
            assert [row.state_before for row in log] == [None, None]  # SQL NULL, not JSON null
            assert session.get(ReviewState, first).lapses == 0

    stats = json.loads(run_flashdl("stats", "Words", "--json", env=env).stdout)
    assert stats["totals"]["reviews"] == 2
    assert stats["decks_progress"][0]["learning"] == 2

    text = run_flashdl("stats", env=env)
    assert text.returncode == 0 and "Retention by interval" in text.stdout

    doctor = run_flashdl("doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr

    out = tmp_path / "words.toml"
    result = run_flashdl("export", "Words", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Front 29 [b]not markup[/b]" in out.read_text(encoding="utf-8")


@pytest.mark.postgres_only
def test_backups_are_refused_clearly_on_postgres(db_url: str) -> None:
    env = {"FLASHDL_DB": db_url}
    for args in (["backup"], ["backups"], ["restore", "x.sqlite3", "--yes"]):
        result = run_flashdl(*args, env=env)
        assert result.returncode == 2
        assert "pg_dump" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    result = run_flashdl("decks", env={"FLASHDL_DB": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    assert result.returncode == 3
    assert "cannot open the database" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.postgres_only  # the study-screen tests cover SQLite
async def test_studying_in_the_app_and_its_statistics_screen(db_url: str) -> None:
    store = make_store(db_url)
    try:
        app = make_app(db_url, initial="study", deck_keys=["study-basic"])
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StudyScreen)
            for grade in ("4", "5"):
                await pilot.press("space")
                await settle(pilot, rounds=1)
                await pilot.press(grade)
                await settle(pilot, rounds=1)
        with store.read() as session:
            grades = session.scalars(select(ReviewLog.grade).order_by(ReviewLog.id)).all()
        assert grades == [4, 5]

        app = make_app(db_url)
        async with app.run_test(size=(120, 50)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, StatsScreen)
            await pilot_wait_until(pilot, lambda: screen.stats is not None,
                                   "the statistics screen to load its figures from PostgreSQL")
            assert screen.stats.today == TODAY  # the app's day
            assert screen.stats.reviews_by_day == {TODAY: 2}
    finally:
        store.close()


@pytest.mark.postgres_only
def test_machines_starting_at_once_on_a_new_database_all_succeed(db_url: str) -> None:
    """Schema creation and the built-in decks' first load happen once; the others wait."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    env = {**os.environ, "FLASHDL_DB": db_url}
    procs = [subprocess.Popen([sys.executable, "-m", "flashdl", "decks", "--json"], cwd=REPO,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    keys = [[d["key"] for d in json.loads(out)["decks"]] for out, _ in outputs]
    assert keys[0] and keys[0] == keys[1] == keys[2]
    with open_store(db_url) as store:
        assert current_revision(store) == SCHEMA_HEAD
