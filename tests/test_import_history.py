"""Anki review history (revlog) imported with ``--with-scheduling``, from a package made by the
real ``anki`` backend whose cards were answered with Anki's own scheduler: mapped, marked as
imported, never duplicated, used by statistics and FSRS, and kept through switches."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from fixtures.import_kit import build_anki_package
from sqlalchemy import select
from storeutil import dump

from flashdl.formats.anki_collection import ANKI_EASE_GRADES
from flashdl.scheduler.choice import SchedulerChoice
from flashdl.store import open_store
from flashdl.store.importer import ImportOptions, import_paths
from flashdl.store.models import ReviewLog, ReviewState
from flashdl.store.replay import switch_scheduler

pytestmark = pytest.mark.both_backends
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> tuple[Path, list[tuple[int, int]]]:
    """The package, and Anki's own revlog in it: (revlog id, ease)."""
    pytest.importorskip("anki")
    folder = tmp_path_factory.mktemp("revlog")
    path = build_anki_package(folder / "reviewed.apkg", folder / "work", legacy=False,
                              reviewed=True)
    with sqlite3.connect(folder / "work" / "collection-reviewed.anki2") as conn:
        revlog = [tuple(r) for r in conn.execute("SELECT id, ease FROM revlog ORDER BY id")]
    return path, revlog


def _revlog_cards(folder: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(folder / "work" / "collection-reviewed.anki2") as conn:
        return [tuple(r) for r in conn.execute("SELECT cid, id FROM revlog")]


def import_it(store, path: Path):  # type: ignore[no-untyped-def]
    return import_paths(store, [path], ImportOptions(with_scheduling=True), today=TODAY)


def test_revlog_is_imported_once_mapped_and_marked(db_url: str, package) -> None:
    path, revlog = package
    store = open_store(db_url)
    report = import_it(store, path)
    assert sum(d.answers_imported for d in report.decks) == len(revlog) > 0
    with store.read() as session:
        rows = session.execute(select(ReviewLog.external_id, ReviewLog.grade, ReviewLog.mode,
                                      ReviewLog.scheduler, ReviewLog.state_before)).all()
    assert sorted((r.external_id, r.grade) for r in rows) == sorted(
        (rid, ANKI_EASE_GRADES[ease]) for rid, ease in revlog)
    assert {(r.mode, r.scheduler) for r in rows} == {("import", "anki")}
    # each card's first answer is its introduction (state_before NULL); later ones are not
    assert Counter(r.state_before is None for r in rows)[True] == len(
        {cid for cid, _ in _revlog_cards(path.parent)})

    again = import_it(store, path)  # importing the same package again adds nothing
    assert sum(d.answers_imported for d in again.decks) == 0
    assert sum(d.answers_known for d in again.decks) == len(revlog)
    from flashdl.stats.queries import compute_stats

    with store.read() as session:
        assert session.scalar(select(ReviewLog.id).order_by(ReviewLog.id.desc()).limit(1))
        assert compute_stats(session, TODAY).total_reviews == len(revlog)
    store.close()


def test_imported_cards_get_fsrs_states_from_history_and_keep_their_sm2_state(db_url, package):
    path, _ = package
    store = open_store(db_url)
    import_it(store, path)
    before = dump(store)
    switch_scheduler(store, SchedulerChoice("fsrs"))
    with store.read() as session:
        states = session.scalars(select(ReviewState)).all()
        assert states and all(s.stability is not None for s in states)
    switch_scheduler(store, SchedulerChoice("sm2"))
    assert dump(store)["review_states"] == before["review_states"]
    store.close()
