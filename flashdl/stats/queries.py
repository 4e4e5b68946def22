"""The figures behind ``flashdl stats`` and the statistics screen, computed by SQL aggregates.

Every query groups in the database and returns a few hundred rows at most, so the whole report
costs well under half a second over a million answers (``bench/bench_store.py``). The review-log
queries are shaped to read indexes only (migration 0002): reviews and time per day from
``(review_day, duration_ms)``, retention from ``(interval_before, grade)``.

The same code runs on SQLite and PostgreSQL: no JSON functions, no dialect-specific SQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: Days shown by the calendar heatmap (and the "last year" totals).
HEATMAP_DAYS = 365
#: Days ahead shown by the due forecast (today included, with whatever is overdue).
FORECAST_DAYS = 30
#: A card is mature once its interval reaches this many days (the usual SM-2 convention).
MATURE_DAYS = 21
#: Retention buckets by the interval the card had when answered: (label, lowest, highest).
#: ``None`` as the lowest means the card was new.
INTERVAL_BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("new", None, None),
    ("0 d (relearning)", 0, 0),
    ("1 d", 1, 1),
    ("2-6 d", 2, 6),
    ("7-20 d", 7, 20),
    ("21-59 d", 21, 59),
    ("60-179 d", 60, 179),
    ("180+ d", 180, None),
)
#: A grade counts as remembered from this quality up (SM-2: 3 = correct with difficulty).
PASS_GRADE = 3


@dataclasses.dataclass(frozen=True)
class RetentionBucket:
    label: str
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


@dataclasses.dataclass(frozen=True)
class DeckProgress:
    key: str
    name: str
    total: int
    new: int
    learning: int
    mature: int
    suspended: int


@dataclasses.dataclass(frozen=True)
class QuizRecord:
    started_at: dt.datetime
    decks: list[str]
    questions: int
    correct: int
    finished: bool
    #: The quiz covered every deck in the store (then ``decks`` names them all).
    all_decks: bool = False

    @property
    def decks_label(self) -> str:
        """``alpha, beta``; ``all decks``; or ``5 decks`` when naming them would be a list."""
        if self.all_decks and len(self.decks) > 1:
            return "all decks"
        if len(self.decks) > 3:
            return f"{len(self.decks)} decks"
        return ", ".join(self.decks) or "—"


@dataclasses.dataclass(frozen=True)
class QuizTypeAccuracy:
    qtype: str
    answered: int
    correct: int


@dataclasses.dataclass(frozen=True)
class Stats:
    """Everything one statistics report shows; ``to_dict()`` is the ``--json`` form."""

    today: dt.date
    decks: list[str] | None
    reviews_by_day: dict[dt.date, int]
    seconds_by_day: dict[dt.date, int]
    total_reviews: int
    total_seconds: int
    forecast: list[tuple[dt.date, int]]
    retention: list[RetentionBucket]
    easiness: list[tuple[float, int]]
    progress: list[DeckProgress]
    current_streak: int
    longest_streak: int
    quiz_recent: list[QuizRecord]
    quiz_by_type: list[QuizTypeAccuracy]

    @property
    def heatmap_start(self) -> dt.date:
        return self.today - dt.timedelta(days=HEATMAP_DAYS - 1)

    @property
    def reviews_last_year(self) -> int:
        return sum(self.reviews_by_day.values())

    @property
    def quiz_answered(self) -> int:
        return sum(t.answered for t in self.quiz_by_type)

    @property
    def quiz_correct(self) -> int:
        return sum(t.correct for t in self.quiz_by_type)

    @property
    def overall_retention(self) -> float | None:
        reviews = sum(b.reviews for b in self.retention)
        return sum(b.passed for b in self.retention) / reviews if reviews else None

    def to_dict(self) -> dict[str, Any]:
        def rate(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        answered = self.quiz_answered
        return {
            "today": self.today.isoformat(),
            "decks": self.decks,
            "totals": {
                "reviews": self.total_reviews,
                "reviews_last_365_days": self.reviews_last_year,
                "seconds_studied": self.total_seconds,
                "retention": rate(self.overall_retention),
            },
            "streak": {"current": self.current_streak, "longest": self.longest_streak},
            "reviews_per_day": {d.isoformat(): n for d, n in sorted(self.reviews_by_day.items())},
            "seconds_per_day": {d.isoformat(): s for d, s in sorted(self.seconds_by_day.items())},
            "forecast": [{"day": d.isoformat(), "due": n} for d, n in self.forecast],
            "retention_by_interval": [
                {"interval": b.label, "reviews": b.reviews, "passed": b.passed, "rate": rate(b.rate)}
                for b in self.retention
            ],
            "easiness": [{"easiness": ef, "cards": n} for ef, n in self.easiness],
            "decks_progress": [dataclasses.asdict(p) for p in self.progress],
            "quiz": {
                "answered": answered,
                "correct": self.quiz_correct,
                "accuracy": rate(self.quiz_correct / answered if answered else None),
                "by_type": [dataclasses.asdict(t) for t in self.quiz_by_type],
                "recent": [
                    {
                        "started_at": q.started_at.isoformat(),
                        "decks": q.decks,
                        "all_decks": q.all_decks,
                        "questions": q.questions,
                        "correct": q.correct,
                        "finished": q.finished,
                    }
                    for q in self.quiz_recent
                ],
            },
        }


def _deck_card_ids(deck_ids: Sequence[int] | None) -> Any:
    """A subquery of the card ids in these decks (None: no filter)."""
    from sqlalchemy import select

    from flashdl.store.models import Card

    if deck_ids is None:
        return None
    return select(Card.id).where(Card.deck_id.in_(list(deck_ids))).scalar_subquery()


def _log_filter(stmt: Any, card_ids: Any) -> Any:
    from flashdl.store.models import ReviewLog

    return stmt if card_ids is None else stmt.where(ReviewLog.card_id.in_(card_ids))


def _daily(session: Session, card_ids: Any) -> list[tuple[dt.date, int, int]]:
    """(day, answers, milliseconds) for every day with an answer, oldest first."""
    from sqlalchemy import func, select

    from flashdl.store.models import ReviewLog

    stmt = select(
        ReviewLog.review_day, func.count(), func.coalesce(func.sum(ReviewLog.duration_ms), 0)
    ).group_by(ReviewLog.review_day).order_by(ReviewLog.review_day)
    return [(day, int(n), int(ms)) for day, n, ms in session.execute(_log_filter(stmt, card_ids))]


def streaks(days: Sequence[dt.date], today: dt.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days. ``days`` is sorted and distinct.

    The current streak still counts until today is over: a learner who studied every day up to
    yesterday has not broken it by not having studied yet this morning.
    """
    longest = run = 0
    previous: dt.date | None = None
    for day in days:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if previous is not None and (today - previous).days in (0, 1):
        current = run
    return current, longest


def _retention(session: Session, card_ids: Any) -> list[RetentionBucket]:
    from sqlalchemy import func, select

    from flashdl.store.models import ReviewLog

    # First answers of the day only: a redrill or a "study missed" the same day is not a test
    # of memory after the interval. Group by the raw (interval, grade) pairs, in index order
    # (ix_review_log_retention); bucket them here.
    stmt = select(ReviewLog.interval_before, ReviewLog.grade, func.count()).where(
        ReviewLog.first_of_day.is_(True)
    ).group_by(ReviewLog.interval_before, ReviewLog.grade)
    totals = {label: [0, 0] for label, _, _ in INTERVAL_BUCKETS}
    for interval, grade, count in session.execute(_log_filter(stmt, card_ids)):
        label = bucket_label(interval)
        totals[label][0] += count
        if grade >= PASS_GRADE:
            totals[label][1] += count
    return [RetentionBucket(label, *totals[label]) for label, _, _ in INTERVAL_BUCKETS]


def bucket_label(interval: int | None) -> str:
    """The retention bucket of an answer given the card's interval before it (None: new)."""
    for label, low, high in INTERVAL_BUCKETS:
        if low is None:
            if interval is None:
                return label
        elif interval is not None and interval >= low and (high is None or interval <= high):
            return label
    raise ValueError(f"negative interval {interval}")


def _forecast(session: Session, today: dt.date, deck_ids: Sequence[int] | None) -> list[tuple[dt.date, int]]:
    from sqlalchemy import func, select

    from flashdl.store.models import Card, ReviewState

    last = today + dt.timedelta(days=FORECAST_DAYS - 1)
    stmt = (
        select(ReviewState.due, func.count())
        .join(Card, Card.id == ReviewState.card_id)
        .where(Card.retired.is_(False), Card.suspended.is_(False), ReviewState.due <= last)
        .group_by(ReviewState.due)
    )
    if deck_ids is not None:
        stmt = stmt.where(Card.deck_id.in_(list(deck_ids)))
    counts = dict.fromkeys((today + dt.timedelta(days=i) for i in range(FORECAST_DAYS)), 0)
    for due, count in session.execute(stmt):
        counts[max(due, today)] += count  # overdue cards are due today
    return sorted(counts.items())


def _easiness(session: Session, deck_ids: Sequence[int] | None) -> list[tuple[float, int]]:
    """Cards per easiness factor, in steps of 0.1 (1.3 is SM-2's floor)."""
    from sqlalchemy import func, select

    from flashdl.store.models import Card, ReviewState

    stmt = (
        select(ReviewState.ef_hundredths, func.count())
        .join(Card, Card.id == ReviewState.card_id)
        .where(Card.retired.is_(False))
        .group_by(ReviewState.ef_hundredths)
    )
    if deck_ids is not None:
        stmt = stmt.where(Card.deck_id.in_(list(deck_ids)))
    buckets: dict[int, int] = {}
    for ef_hundredths, count in session.execute(stmt):
        tenth = ef_hundredths // 10
        buckets[tenth] = buckets.get(tenth, 0) + count
    return [(tenth / 10, buckets[tenth]) for tenth in sorted(buckets)]


def _progress(session: Session, deck_ids: Sequence[int] | None) -> list[DeckProgress]:
    from sqlalchemy import and_, case, func, select

    from flashdl.store.models import Card, Deck, ReviewState

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    active = Card.suspended.is_(False)
    stmt = (
        select(
            Deck.key,
            Deck.name,
            func.count(Card.id),
            # A partition: a suspended card counts only as suspended, whatever its state.
            count_if(and_(Card.id.is_not(None), active, ReviewState.card_id.is_(None))),
            count_if(and_(active, ReviewState.interval < MATURE_DAYS)),
            count_if(and_(active, ReviewState.interval >= MATURE_DAYS)),
            count_if(Card.suspended.is_(True)),
        )
        .select_from(Deck)
        .outerjoin(Card, and_(Card.deck_id == Deck.id, Card.retired.is_(False)))
        .outerjoin(ReviewState, ReviewState.card_id == Card.id)
        .group_by(Deck.id, Deck.key, Deck.name)
        .order_by(Deck.name)
    )
    if deck_ids is not None:
        stmt = stmt.where(Deck.id.in_(list(deck_ids)))
    return [DeckProgress(*(row[:2]), *(int(v) for v in row[2:])) for row in session.execute(stmt)]


def _quiz(session: Session, deck_ids: Sequence[int] | None, recent: int) -> tuple[
    list[QuizRecord], list[QuizTypeAccuracy]
]:
    from sqlalchemy import case, func, select

    from flashdl.store.models import Card, Deck, QuizAnswer, QuizAttempt

    every_deck = set(session.scalars(select(Deck.key)))
    by_type = (
        select(
            QuizAnswer.qtype,
            func.count(),
            func.coalesce(func.sum(case((QuizAnswer.correct.is_(True), 1), else_=0)), 0),
        )
        .group_by(QuizAnswer.qtype)
        .order_by(QuizAnswer.qtype)
    )
    attempts = select(QuizAttempt).order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    if deck_ids is not None:
        in_decks = select(Card.id).where(Card.deck_id.in_(list(deck_ids))).scalar_subquery()
        by_type = by_type.where(QuizAnswer.card_id.in_(in_decks))
        attempts = attempts.where(
            QuizAttempt.id.in_(
                select(QuizAnswer.attempt_id).where(QuizAnswer.card_id.in_(in_decks))
            )
        )
    types = [QuizTypeAccuracy(q, int(n), int(c)) for q, n, c in session.execute(by_type)]
    records = [
        QuizRecord(
            started_at=a.started_at,
            decks=list(a.decks or []),
            questions=a.question_count,
            correct=a.correct_count,
            finished=a.finished_at is not None,
            all_decks=bool(a.decks) and every_deck <= set(a.decks),
        )
        for a in session.scalars(attempts.limit(recent))
    ]
    return records, types


def compute_stats(
    session: Session,
    today: dt.date,
    deck_keys: Sequence[str] | None = None,
    *,
    recent_quizzes: int = 10,
) -> Stats:
    """All the statistics for these decks (None: every deck) as of ``today``."""
    from sqlalchemy import select

    from flashdl.store.models import Deck

    deck_ids: list[int] | None = None
    if deck_keys is not None:
        deck_ids = list(
            session.scalars(select(Deck.id).where(Deck.key.in_(list(deck_keys))))
        )
    card_ids = _deck_card_ids(deck_ids)

    daily = _daily(session, card_ids)
    start = today - dt.timedelta(days=HEATMAP_DAYS - 1)
    in_window = [(d, n, ms) for d, n, ms in daily if start <= d <= today]
    current, longest = streaks([d for d, _, _ in daily if d <= today], today)
    quiz_recent, quiz_by_type = _quiz(session, deck_ids, recent_quizzes)
    return Stats(
        today=today,
        decks=None if deck_keys is None else list(deck_keys),
        reviews_by_day={d: n for d, n, _ in in_window},
        seconds_by_day={d: round(ms / 1000) for d, _, ms in in_window},
        total_reviews=sum(n for _, n, _ in daily),
        total_seconds=round(sum(ms for _, _, ms in daily) / 1000),
        forecast=_forecast(session, today, deck_ids),
        retention=_retention(session, card_ids),
        easiness=_easiness(session, deck_ids),
        progress=_progress(session, deck_ids),
        current_streak=current,
        longest_streak=longest,
        quiz_recent=quiz_recent,
        quiz_by_type=quiz_by_type,
    )
