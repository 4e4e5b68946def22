"""The grade bar: each button says what it would do, computed by the scheduler in use; FSRS has
Anki's four buttons; Space answers 4 (Good) once the answer is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures.study.kit import TODAY, card_ids, make_app, make_store, review_log, settle

from flashdl.scheduler.choice import SchedulerChoice, interval_text
from flashdl.store.replay import switch_scheduler
from flashdl.store.reviews import record_answer
from flashdl.tui.widgets.grade_bar import GradeButton

SIZE = (100, 30)


@pytest.fixture
def store(db_url: str):
    s = make_store(db_url)
    yield s
    s.close()


def buttons(app) -> dict[int, str]:
    return {b.grade: str(b.label) for b in app.screen.query(GradeButton)}


async def reveal(pilot) -> None:
    await pilot.press("space")
    await settle(pilot, rounds=1)


async def test_sm2_buttons_show_the_interval_sm2_gives(store, db_url) -> None:
    basic = card_ids(store, "study-basic")
    first = record_answer(store, basic["l2-penalty"], 5, today=TODAY - dt.timedelta(days=1))
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await reveal(pilot)
        labels = buttons(app)
        assert sorted(labels) == [0, 1, 2, 3, 4, 5]
        # l2-penalty (answered 5 yesterday, interval 1) is due first: 5 now gives 6 days
        expected = {g: interval_text(SchedulerChoice().review(first.after, g, TODAY), TODAY)
                    for g in range(6)}
        assert labels == {g: f"{g} {expected[g]} · {label}" for g, label in
                          zip(range(6), ("blackout", "wrong, recognised", "wrong, easy once seen",
                                         "right, hard", "right, hesitant", "perfect"), strict=True)}
        assert labels[5] == "5 6d · perfect" and labels[0] == "0 today · blackout"
        assert labels[3] == "3 ↻6d · right, hard"  # a 3 also asks for one more repeat today


async def test_fsrs_shows_four_buttons_with_the_librarys_intervals_and_keys_1_to_4(store, db_url):
    switch_scheduler(store, SchedulerChoice("fsrs"))
    app = make_app(db_url, initial="study", deck_keys=["study-basic"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = app.screen.card
        await reveal(pilot)
        labels = buttons(app)
        outcomes = SchedulerChoice("fsrs").outcomes(None, TODAY, card_id=card.id)
        assert labels == {
            1: "1 today · Again",
            3: f"2 {interval_text(outcomes[3], TODAY)} · Hard",
            4: f"3 {interval_text(outcomes[4], TODAY)} · Good",
            5: f"4 {interval_text(outcomes[5], TODAY)} · Easy",
        }
        await pilot.press("5")  # not an FSRS key: nothing happens
        await pilot.press("0")
        await settle(pilot, rounds=1)
        assert review_log(store) == []
        await pilot.press("3")  # Good
        await settle(pilot, rounds=1)
        assert review_log(store) == [(card.id, 4, "study")]
        second = app.screen.card
        await reveal(pilot)
        await pilot.press("space")  # Space after the reveal: Good
        await settle(pilot, rounds=1)
        assert review_log(store)[-1] == (second.id, 4, "study")
        third = app.screen.card
        await reveal(pilot)
        await pilot.press("1")  # Again: the card comes back in this session
        await settle(pilot, rounds=1)
        assert third.id in app.screen.session.queue
