"""`flashdl doctor`: finds damage, repairs what is safe, never loses history. Both backends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_flashdl
from sqlalchemy import text
from storeutil import card_id, dump, fixture_decks

from flashdl.store import open_store
from flashdl.store.doctor import FIXED, OK, PROBLEM, diagnose
from flashdl.store.migrate import SCHEMA_HEAD, current_revision, upgrade
from flashdl.store.models import ReviewLog, ReviewState
from flashdl.store.reviews import record_answer
from flashdl.store.sync import sync_builtin_decks

DAY = dt.date(2026, 3, 14)


@pytest.fixture
def studied(db_url: str, tmp_path: Path) -> Iterator[object]:
    store = open_store(db_url)
    sync_builtin_decks(store, fixture_decks(tmp_path))
    for key, grades in (("a1", (4, 5)), ("a2", (4,)), ("a3", (2, 4))):
        for offset, grade in enumerate(grades):
            record_answer(store, card_id(store, "alpha", key), grade,
                          today=DAY + dt.timedelta(days=offset))
    yield store
    store.close()


def raw(store, *statements: str) -> None:  # type: ignore[no-untyped-def]
    """Damage the store behind flashdl's back (foreign keys not enforced)."""
    with store.engine.connect() as conn:
        if store.is_sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        else:
            conn.execute(text("SET session_replication_role = replica"))
        for statement in statements:
            conn.execute(text(statement))
        conn.commit()
        if store.is_sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
        else:
            conn.execute(text("SET session_replication_role = DEFAULT"))
            conn.commit()


def statuses(report) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[str]] = {}
    for finding in report.findings:
        out.setdefault(finding.check, []).append(finding.status)
    return out


def test_a_healthy_store_has_no_problem(studied) -> None:  # type: ignore[no-untyped-def]
    report = diagnose(studied)
    assert report.problems == []
    assert statuses(report)["schema"] == [OK]
    assert statuses(report)["states match the latest answer"] == [OK]


def test_states_that_disagree_with_the_log_are_rebuilt_from_the_latest_answer(
    studied,  # type: ignore[no-untyped-def]
) -> None:
    a1, a2 = card_id(studied, "alpha", "a1"), card_id(studied, "alpha", "a2")
    with studied.read() as session:
        expected = session.get(ReviewState, a1)
        expected = (expected.repetitions, expected.interval, expected.due, expected.ef_hundredths)
    raw(studied, f"UPDATE review_states SET interval = 99, repetitions = 7 WHERE card_id = {a1}",
        f"DELETE FROM review_states WHERE card_id = {a2}")
    report = diagnose(studied)
    found = statuses(report)
    assert found["states match the latest answer"] == [PROBLEM]
    assert found["answered cards have a state"] == [PROBLEM]
    assert str(a1) in " ".join(f.detail for f in report.problems)

    backups: list[bool] = []
    report = diagnose(studied, fix=True, backup=lambda: backups.append(True))
    assert backups == [True]  # backed up once, before repairing
    assert report.problems == []
    assert statuses(report)["states match the latest answer"] == [FIXED]
    with studied.read() as session:
        state = session.get(ReviewState, a1)
        assert (state.repetitions, state.interval, state.due, state.ef_hundredths) == expected
        assert session.get(ReviewState, a2).interval == 1
    assert diagnose(studied).problems == []


def test_history_of_a_missing_card_gets_a_placeholder_not_deleted(studied) -> None:  # type: ignore[no-untyped-def]
    a3 = card_id(studied, "alpha", "a3")
    log_before = len(dump(studied)["review_log"])
    raw(studied, f"DELETE FROM cards WHERE id = {a3}")
    report = diagnose(studied)
    assert any(f.check == "orphaned rows" and "missing cards" in f.detail for f in report.problems)

    report = diagnose(studied, fix=True)
    assert report.problems == [], report.findings
    after = dump(studied)
    assert len(after["review_log"]) == log_before  # no answer lost
    placeholder = [c for c in after["cards"] if c[0] == a3][0]
    with studied.read() as session:
        from flashdl.store.models import Card

        card = session.get(Card, a3)
        assert card.retired and card.deck.key == "recovered" and placeholder
        assert session.query(ReviewLog).filter_by(card_id=a3).count() == 2


def test_answers_lacking_interval_before_get_it_from_state_before(studied) -> None:  # type: ignore[no-untyped-def]
    raw(studied, "UPDATE review_log SET interval_before = NULL")
    report = diagnose(studied)
    assert statuses(report)["interval_before of answers"] == [PROBLEM]
    assert diagnose(studied, fix=True).problems == []
    with studied.read() as session:
        values = sorted((r.interval_before is None, r.interval_before)
                        for r in session.query(ReviewLog))
    assert values == [(False, 0), (False, 1), (True, None), (True, None), (True, None)]


def test_a_schema_behind_head_is_reported_then_upgraded_with_fix(db_url: str) -> None:
    store = open_store(db_url, migrate=False)
    upgrade(store, "0001_initial")
    report = diagnose(store)
    assert statuses(report)["schema"] == [PROBLEM]
    assert diagnose(store, fix=True).problems == []
    assert current_revision(store) == SCHEMA_HEAD
    store.close()


def test_doctor_command_reports_fixes_and_exit_codes(studied, db_url: str) -> None:  # type: ignore[no-untyped-def]
    env = {"FLASHDL_DB": db_url}
    result = run_flashdl("doctor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All good." in result.stdout

    a1 = card_id(studied, "alpha", "a1")
    raw(studied, f"UPDATE review_states SET lapses = 5 WHERE card_id = {a1}")
    result = run_flashdl("doctor", env=env)
    assert result.returncode == 1
    assert "PROBLEM" in result.stdout and "doctor --fix" in result.stdout

    result = run_flashdl("doctor", "--fix", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rebuilt 1 from the latest answer" in result.stdout
    assert ("Backed up the database" in result.stdout) == studied.is_sqlite

    data = json.loads(run_flashdl("doctor", "--json", env=env).stdout)
    assert data["problems"] == 0


@pytest.mark.sqlite_only
def test_a_damaged_file_is_reported_with_the_way_out(flashdl_home: Path, tmp_path: Path) -> None:
    with open_store() as store:
        sync_builtin_decks(store, fixture_decks(tmp_path))
        with store.write() as session:
            session.execute(text(
                "CREATE TABLE padding AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                "SELECT i + 1 FROM n WHERE i < 2000) SELECT i, printf('%.200c', 'x') AS s FROM n"
            ))
    assert run_flashdl("backup").returncode == 0
    path = flashdl_home / "flashdl.sqlite3"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 20, page * 20 + 3000):  # scribble over a table page
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    result = run_flashdl("doctor")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "restore" in output and "Traceback" not in output
    assert "doctor --fix" not in output  # nothing --fix could do

    saved = next((flashdl_home / "backups").glob("*-manual.sqlite3"))
    result = run_flashdl("restore", str(saved), "--yes")
    assert result.returncode == 0, result.stderr
    assert run_flashdl("doctor").returncode == 0
    damaged = list((flashdl_home / "backups").glob("*before-restore*.sqlite3"))
    assert len(damaged) == 1  # the damaged file is kept too, in case
