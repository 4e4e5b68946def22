"""The store's tables. Imported by the app and by ``migrations/env.py``; nothing else here.

Identity: a card is ``(deck, key)``, so a re-synced built-in card or a re-imported card keeps its
review state and history. A card with no ``review_state`` row is new.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Deck(Base):
    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: "builtin" or "import"
    origin: Mapped[str] = mapped_column(String(20), default="import")
    #: digest of the deck file at the last sync; lets start-up skip unchanged built-in decks
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cards: Mapped[list[Card]] = relationship(back_populates="deck")


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("deck_id", "key"),
        # per-deck counts read this index only, never the cards' text (migration 0002)
        Index("ix_cards_deck_flags", "deck_id", "retired", "suspended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: "basic", "demonstrate", "exercise" or "cloze"
    kind: Mapped[str] = mapped_column(String(20), default="basic")
    demo_name: Mapped[str | None] = mapped_column(String(100))
    demo_params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    source: Mapped[str] = mapped_column(Text, default="")
    #: order of the card in its deck file, so new cards are introduced in that order
    position: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[dt.date | None] = mapped_column(Date)
    #: set when a card disappears from its deck file; kept (with its history), never shown
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    deck: Mapped[Deck] = relationship(back_populates="cards")
    state: Mapped[ReviewState | None] = relationship(back_populates="card", uselist=False)


class ReviewState(Base):
    """The card's current state under the scheduler in use. Exists once the card has been
    answered (or imported with scheduling).

    ``interval``, ``due``, ``needs_redrill`` and ``lapses`` are the scheduler's in use.
    ``repetitions`` and ``ef_hundredths`` are SM-2's; under FSRS they keep the values SM-2 left
    (a new card: 0 and 250). ``stability`` and ``difficulty`` are FSRS's, NULL under SM-2.
    """

    __tablename__ = "review_states"
    __table_args__ = (
        Index("ix_review_states_due", "due"),
        # same-day repeats are few; the queue finds them without scanning every state
        Index("ix_review_states_redrill", "needs_redrill", "due"),
    )

    card_id: Mapped[int] = mapped_column(
        ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True
    )
    repetitions: Mapped[int] = mapped_column(Integer)
    ef_hundredths: Mapped[int] = mapped_column(Integer)
    interval: Mapped[int] = mapped_column(Integer)
    due: Mapped[dt.date] = mapped_column(Date)
    needs_redrill: Mapped[bool] = mapped_column(Boolean, default=False)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_review: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)

    card: Mapped[Card] = relationship(back_populates="state")


class ReviewLog(Base):
    """One row per answer: enough to undo it exactly and to replay history through any scheduler."""

    __tablename__ = "review_log"
    __table_args__ = (
        Index("ix_review_log_reviewed_at", "reviewed_at"),
        # statistics read these indexes only (migration 0002)
        Index("ix_review_log_day_duration", "review_day", "duration_ms"),
        Index("ix_review_log_retention", "first_of_day", "interval_before", "grade"),
        # an imported answer is stored once per card (migration 0005)
        Index("ix_review_log_external", "card_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: the learner's local calendar day of the answer (what "today" was for the scheduler)
    review_day: Mapped[dt.date] = mapped_column(Date)
    #: 0-5 on SM-2's scale whatever the scheduler (FSRS's Again/Hard/Good/Easy are 1/3/4/5)
    grade: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    #: "study", "quiz", or "import" (an answer given in another app, e.g. Anki's revlog)
    mode: Mapped[str] = mapped_column(String(10), default="study")
    #: what computed ``state_after``: "sm2", "fsrs", or "anki" (imported; no state but on the
    #: card's last imported answer, which holds the SM-2 state the import gave the card)
    scheduler: Mapped[str] = mapped_column(String(20), default="sm2")
    #: None when the card was new (for an imported answer: the first one Anki logged)
    state_before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: ``state_before["interval"]`` as a plain column for statistics; None when the card was new
    interval_before: Mapped[int | None] = mapped_column(Integer)
    state_after: Mapped[dict[str, Any]] = mapped_column(JSON)
    session_id: Mapped[str | None] = mapped_column(String(40))
    #: False when the card had already been answered that day (a redrill, a "study missed")
    first_of_day: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: the answer's id in the app it was imported from (Anki's revlog id); None for flashdl's
    external_id: Mapped[int | None] = mapped_column(BigInteger)


class SchedulerSettings(Base):
    """The learner's scheduler, one row (id 1). No row: SM-2, with FSRS's defaults kept ready."""

    __tablename__ = "scheduler_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "sm2" or "fsrs"
    name: Mapped[str] = mapped_column(String(10))
    desired_retention: Mapped[float] = mapped_column(Float)
    #: FSRS weights fitted to this learner's history; None: the library's defaults
    weights: Mapped[list[float] | None] = mapped_column(JSON(none_as_null=True))
    fuzz: Mapped[bool] = mapped_column(Boolean)
    optimized_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: how many answers the weights were fitted on
    optimized_reviews: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decks: Mapped[list[str]] = mapped_column(JSON, default=list)
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    seed: Mapped[int | None] = mapped_column(Integer)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    time_limit_s: Mapped[int | None] = mapped_column(Integer)
    update_schedule: Mapped[bool] = mapped_column(Boolean, default=False)

    answers: Mapped[list[QuizAnswer]] = relationship(back_populates="attempt")


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    card_id: Mapped[int | None] = mapped_column(
        ForeignKey("cards.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    #: "mc", "tf", "typed", "match" or "exercise"
    qtype: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    expected: Mapped[str] = mapped_column(Text)
    given: Mapped[str] = mapped_column(Text, default="")
    correct: Mapped[bool] = mapped_column(Boolean)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
