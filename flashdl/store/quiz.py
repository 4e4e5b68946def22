"""Quiz results in the store: cards in, attempts and answers out, the schedule only on request.

Every answer is committed as soon as it is given, so a quiz that is quit, killed or timed out keeps
everything answered so far. A quiz leaves SM-2 alone unless the learner asked for
``--update-schedule``; then each graded card is also reviewed (quality 4 if right, 1 if wrong)
through :func:`flashdl.store.reviews.record_answer` with ``mode="quiz"``, so it shows in the review
log and can be told apart from study.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from flashdl.quiz.cards import QuizCard
from flashdl.quiz.questions import GradedItem
from flashdl.store.reviews import record_answer, undo_answer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from flashdl.store.db import Store

#: SM-2 qualities a quiz answer counts as with --update-schedule.
QUALITY_RIGHT = 4
QUALITY_WRONG = 1


@dataclasses.dataclass(frozen=True)
class StoredAnswer:
    """Where an answer went: its quiz_answers row and, with --update-schedule, its review log."""

    answer_id: int
    attempt_id: int
    item: GradedItem
    duration_ms: int = 0
    log_id: int | None = None


@dataclasses.dataclass(frozen=True)
class AttemptSummary:
    attempt_id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    decks: list[str]
    types: list[str]
    seed: int | None
    question_count: int
    answered: int
    correct_count: int
    time_limit_s: int | None
    update_schedule: bool


def load_quiz_cards(session: Session, deck_keys: Sequence[str] | None = None) -> list[QuizCard]:
    """The quizzable cards of these decks (all decks when None): not retired, not suspended.

    Buried cards are included: burying postpones a review, it does not hide a card from practice.
    """
    from sqlalchemy import select

    from flashdl.store.models import Card, Deck

    stmt = (
        select(Card, Deck.key)
        .join(Deck, Deck.id == Card.deck_id)
        .where(Card.retired.is_(False), Card.suspended.is_(False))
        .order_by(Card.id)
    )
    if deck_keys is not None:
        stmt = stmt.where(Deck.key.in_(list(deck_keys)))
    return [
        QuizCard(
            card_id=card.id,
            deck_key=deck_key,
            front=card.front,
            back=card.back,
            tags=tuple(card.tags or ()),
            demo_name=card.demo_name,
            demo_params=dict(card.demo_params) if card.demo_params else None,
            kind=card.kind,
        )
        for card, deck_key in session.execute(stmt).all()
    ]


def load_selection(store: Store, deck_names: Sequence[str] | None) -> tuple[list[str], list[QuizCard]]:
    """Resolve deck ids or names (UsageError for an unknown one) and load their cards."""
    from flashdl.store.queries import resolve_decks

    with store.read() as session:
        keys = resolve_decks(session, deck_names) if deck_names else None
        cards = load_quiz_cards(session, keys)
        if keys is None:
            keys = sorted({card.deck_key for card in cards})
    return keys, cards


def start_attempt(
    store: Store,
    *,
    deck_keys: Sequence[str],
    types: Sequence[str],
    seed: int | None,
    question_count: int,
    time_limit_s: int | None,
    update_schedule: bool,
    now: dt.datetime | None = None,
) -> int:
    from flashdl.store.models import QuizAttempt, utcnow

    with store.write() as session:
        attempt = QuizAttempt(
            started_at=now or utcnow(),
            decks=list(deck_keys),
            types=list(types),
            seed=seed,
            question_count=question_count,
            correct_count=0,
            time_limit_s=time_limit_s,
            update_schedule=update_schedule,
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def record_quiz_answer(
    store: Store,
    attempt_id: int,
    position: int,
    item: GradedItem,
    *,
    duration_ms: int,
    update_schedule: bool,
    today: dt.date,
    now: dt.datetime | None = None,
    counts: bool = True,
) -> StoredAnswer:
    """Store one graded item (committed before this returns) and, if asked, review its card.

    The attempt's score counts questions: ``counts=False`` for the pairs of a matching question,
    which is scored once, by :func:`add_correct_question`, when all its pairs are right."""
    from sqlalchemy import insert

    from flashdl.store.models import QuizAnswer, utcnow

    now = now or utcnow()
    with store.write() as session:
        answer_id = session.execute(
            insert(QuizAnswer)
            .values(
                attempt_id=attempt_id,
                card_id=item.card_id,
                position=position,
                qtype=item.qtype,
                prompt=item.prompt,
                expected=item.expected,
                given=item.given,
                correct=item.correct,
                overridden=item.overridden,
                duration_ms=max(0, int(duration_ms)),
                answered_at=now,
            )
            .returning(QuizAnswer.id)
        ).scalar_one()
        if counts and item.correct:  # the running score is right even if the quiz never finishes
            _add_correct(session, attempt_id, 1)
    log_id = None
    if update_schedule and item.card_id is not None:
        log_id = record_answer(
            store,
            item.card_id,
            QUALITY_RIGHT if item.correct else QUALITY_WRONG,
            today=today,
            now=now,
            duration_ms=duration_ms,
            mode="quiz",
            session_id=f"quiz-{attempt_id}",
        ).log_id
    return StoredAnswer(answer_id, attempt_id, item, duration_ms, log_id)


def override_answer(store: Store, stored: StoredAnswer, *, today: dt.date) -> StoredAnswer:
    """"I was right": the answer counts as correct and is marked overridden.

    With --update-schedule the wrong review is taken back exactly (:func:`undo_answer`) and the
    card is reviewed again as right, so the schedule ends as if the answer had been accepted.
    """
    from sqlalchemy import update

    from flashdl.store.models import QuizAnswer

    if stored.item.correct:
        return stored
    item = stored.item.overridden_as_right()
    with store.write() as session:
        session.execute(
            update(QuizAnswer)
            .where(QuizAnswer.id == stored.answer_id)
            .values(correct=True, overridden=True)
        )
        _add_correct(session, stored.attempt_id, 1)
    log_id = stored.log_id
    if log_id is not None and item.card_id is not None:
        undo_answer(store, log_id)
        log_id = record_answer(
            store, item.card_id, QUALITY_RIGHT, today=today, mode="quiz",
            duration_ms=stored.duration_ms, session_id=f"quiz-{stored.attempt_id}",
        ).log_id
    return dataclasses.replace(stored, item=item, log_id=log_id)


def add_correct_question(store: Store, attempt_id: int) -> None:
    """One more question answered right (a matching question with every pair right)."""
    with store.write() as session:
        _add_correct(session, attempt_id, 1)


def _add_correct(session: Session, attempt_id: int, n: int) -> None:
    from sqlalchemy import update

    from flashdl.store.models import QuizAttempt

    session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id)
        .values(correct_count=QuizAttempt.correct_count + n)
    )


def finish_attempt(
    store: Store, attempt_id: int, now: dt.datetime | None = None, *, correct_count: int | None = None,
) -> AttemptSummary:
    """Close the attempt: its finish time and its score, ``correct_count`` questions answered
    right when the caller knows it (a matching question is one question), else counted from the
    stored answers."""
    from sqlalchemy import func, select, update

    from flashdl.store.models import QuizAnswer, QuizAttempt, utcnow

    with store.write() as session:
        correct = session.scalar(
            select(func.count()).where(
                QuizAnswer.attempt_id == attempt_id, QuizAnswer.correct.is_(True)
            )
        ) or 0
        if correct_count is not None:
            correct = correct_count
        session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(finished_at=now or utcnow(), correct_count=correct)
        )
    with store.read() as session:
        return _summaries(session, [attempt_id])[0]


def _summaries(session: Session, attempt_ids: Sequence[int] | None, limit: int = 0) -> list[AttemptSummary]:
    from sqlalchemy import func, select

    from flashdl.store.models import QuizAnswer, QuizAttempt

    answered = (
        select(QuizAnswer.attempt_id, func.count().label("n"))
        .group_by(QuizAnswer.attempt_id)
        .subquery()
    )
    stmt = (
        select(QuizAttempt, func.coalesce(answered.c.n, 0))
        .outerjoin(answered, answered.c.attempt_id == QuizAttempt.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    )
    if attempt_ids is not None:
        stmt = stmt.where(QuizAttempt.id.in_(list(attempt_ids)))
    if limit:
        stmt = stmt.limit(limit)
    return [
        AttemptSummary(
            attempt_id=a.id,
            started_at=a.started_at,
            finished_at=a.finished_at,
            decks=list(a.decks or []),
            types=list(a.types or []),
            seed=a.seed,
            question_count=a.question_count,
            answered=n,
            correct_count=a.correct_count,
            time_limit_s=a.time_limit_s,
            update_schedule=a.update_schedule,
        )
        for a, n in session.execute(stmt).all()
    ]


def quiz_history(session: Session, limit: int = 20) -> list[AttemptSummary]:
    """The latest quiz attempts, newest first (for ``flashdl stats``)."""
    return _summaries(session, None, limit)
