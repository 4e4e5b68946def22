"""Turning a selection of cards into a quiz: which card is asked how, reproducibly.

Everything random is drawn from one ``random.Random(seed)`` in a fixed order, so the same cards and
the same ``--seed`` give the same questions, options, order and exercise numbers. Each card is asked
at most once per quiz. Types the selection cannot support (multiple choice needs four different
answers, matching five, exercises a card with a numeric exercise) are replaced by the others, and
the learner is told so in one line.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flashdl.errors import UsageError
from flashdl.quiz.cards import QUESTION_TYPES, TYPE_NAMES, QuizCard
from flashdl.quiz.questions import (
    ExerciseQuestion,
    Matching,
    MultipleChoice,
    Question,
    TrueFalse,
    TypedAnswer,
    item_count,
)
from flashdl.quiz.similarity import SimilarityIndex
from flashdl.quiz.text import (
    LINE_MAX_CHARS,
    answer_keys,
    normalize,
    one_line,
    option_text,
    render,
)

MC_OPTIONS = 4
MATCH_PAIRS = 5
#: What each type needs: this many cards with different answers.
MIN_DISTINCT_ANSWERS = {"mc": MC_OPTIONS, "tf": 2, "match": MATCH_PAIRS, "typed": 1, "exercise": 1}
#: a matching row longer than this (two lines) makes the card unfit for matching; none is cut
MATCH_TEXT_CHARS = 2 * (LINE_MAX_CHARS - 4)
#: typed questions only for answers this short (the shortest accepted form, in words)
TYPED_MAX_WORDS = 8


@dataclasses.dataclass(frozen=True)
class ExerciseSource:
    """Which demos can pose exercises and how to make one: the engine, or a stand-in in tests."""

    names: frozenset[str]
    make: Callable[[str, int, dict[str, Any]], Any]


def engine_exercises() -> ExerciseSource:
    """The demo engine's exercises. A card's demo parameters that the exercise does not take
    (the dropout *demo* has ``p``; its exercise draws ``p`` itself) are left out."""
    from flashdl.engine import list_exercises, make_exercise
    from flashdl.engine.exercises import exercise_spec

    def make(name: str, seed: int, params: dict[str, Any]) -> Any:
        accepted = {p.name for p in exercise_spec(name).params}
        return make_exercise(name, seed=seed, **{k: v for k, v in params.items() if k in accepted})

    return ExerciseSource(frozenset(list_exercises()), make)


@dataclasses.dataclass(frozen=True)
class QuizPlan:
    seed: int
    questions: tuple[Question, ...]
    #: one line each: types that fell back, a quiz shorter than asked
    notices: tuple[str, ...]

    @property
    def item_count(self) -> int:
        return sum(item_count(q) for q in self.questions)


def parse_types(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"mc,tf"`` -> ``("mc", "tf")``; an unknown type is a UsageError naming the valid ones."""
    words = text.split(",") if isinstance(text, str) else list(text)
    types: list[str] = []
    for word in (w.strip().casefold() for w in words):
        if not word:
            continue
        if word not in QUESTION_TYPES:
            raise UsageError(f"unknown question type {word!r}",
                             hint=f"use some of {','.join(QUESTION_TYPES)}")
        if word not in types:
            types.append(word)
    if not types:
        raise UsageError("no question types given", hint=f"use some of {','.join(QUESTION_TYPES)}")
    return tuple(types)


def _names(types: Iterable[str]) -> str:
    return ", ".join(TYPE_NAMES[t] for t in types)


class _Builder:
    def __init__(self, cards: Sequence[QuizCard], seed: int, source: ExerciseSource | None) -> None:
        self.rng = random.Random(seed)
        self.pool = sorted(cards, key=lambda card: card.card_id)
        self.rng.shuffle(self.pool)
        #: built-in exercise cards are asked only as exercises, never as (or among) text answers;
        #: nor is a card whose answer cannot be shortened to a choice without changing its meaning
        options = {card.card_id: option_text(card.back) for card in self.pool}
        self.text_pool = [c for c in self.pool
                          if c.kind != "exercise" and options[c.card_id] is not None]
        self.index = SimilarityIndex(self.text_pool)
        self.options = {card.card_id: str(options[card.card_id]) for card in self.text_pool}
        self.keys = {card_id: normalize(text) for card_id, text in self.options.items()}
        self.distinct_answers = len(set(self.keys.values()))
        self.source = source
        self.exercise_cards = [c for c in self.pool if source and c.demo_name in source.names]
        self.used: set[int] = set()
        self.reserved: set[int] = set()
        self.broken: set[int] = set()

    def feasible(self, qtype: str) -> bool:
        if qtype == "exercise":
            return bool(self.exercise_cards)
        if qtype == "typed":
            return any(self.short_answer(c) for c in self.text_pool)
        return self.distinct_answers >= MIN_DISTINCT_ANSWERS[qtype]

    def short_answer(self, card: QuizCard) -> bool:
        """Typing it is fair: its shortest accepted form has at most TYPED_MAX_WORDS words."""
        keys = answer_keys(card.back, card.front)
        return bool(keys) and len(keys[0].split()) <= TYPED_MAX_WORDS

    def why_not(self, qtype: str) -> str:
        if qtype == "exercise":
            return "no card in the selection has a numeric exercise"
        if qtype == "typed":
            return (f"{TYPE_NAMES[qtype]} needs a card whose answer is at most "
                    f"{TYPED_MAX_WORDS} words")
        need = MIN_DISTINCT_ANSWERS[qtype]
        return (f"{TYPE_NAMES[qtype]} needs at least {need} cards with different answers "
                f"(the selection has {self.distinct_answers})")

    def free(self) -> list[QuizCard]:
        """Unused cards for text questions (mc, tf, typed, match), the ones kept for exercise
        questions last; exercise cards are never among them."""
        unused = [c for c in self.text_pool if c.card_id not in self.used]
        return ([c for c in unused if c.card_id not in self.reserved]
                + [c for c in unused if c.card_id in self.reserved])

    def distractors(self, target: QuizCard, wanted: int) -> list[str]:
        """The ``wanted`` most similar other answers, all different from each other and from
        the right one (compared as normalized text)."""
        seen = {self.keys[target.card_id]}
        chosen: list[str] = []
        for card in self.index.ranked(target, self.rng):
            key = self.keys[card.card_id]
            if key and key not in seen:
                seen.add(key)
                chosen.append(self.options[card.card_id])
                if len(chosen) == wanted:
                    break
        return chosen

    def make(self, qtype: str) -> Question | None:
        maker = getattr(self, f"_make_{qtype}")
        question: Question | None = maker()
        if question is not None:
            self.used.update(card.card_id for card in question.cards)
        return question

    def _make_mc(self) -> MultipleChoice | None:
        for card in self.free():
            wrong = self.distractors(card, MC_OPTIONS - 1)
            if len(wrong) == MC_OPTIONS - 1:
                options = [self.options[card.card_id], *wrong]
                self.rng.shuffle(options)
                return MultipleChoice(card, render(card.front), tuple(options),
                                      options.index(self.options[card.card_id]), render(card.back))
        return None

    def _make_tf(self) -> TrueFalse | None:
        for card in self.free():
            own = self.options[card.card_id]
            is_true = self.rng.random() < 0.5
            statement = own
            if not is_true:
                wrong = self.distractors(card, 1)
                if not wrong:
                    continue
                statement = wrong[0]
            return TrueFalse(card, render(card.front), statement, is_true, own, render(card.back))
        return None

    def _make_typed(self) -> TypedAnswer | None:
        for card in self.free():
            if not self.short_answer(card):
                continue
            return TypedAnswer(card, render(card.front), tuple(answer_keys(card.back, card.front)),
                               self.options[card.card_id], render(card.back))
        return None

    def _make_match(self) -> Matching | None:
        chosen: list[QuizCard] = []
        answers: set[str] = set()
        prompts: set[str] = set()
        for card in self.free():
            shown_answer = self.options[card.card_id]
            shown_prompt = one_line(card.front)
            if len(shown_answer) > MATCH_TEXT_CHARS or len(shown_prompt) > MATCH_TEXT_CHARS:
                continue  # too long to judge in a list of five; never cut
            answer = normalize(shown_answer)
            prompt = normalize(shown_prompt)
            if answer and answer not in answers and prompt not in prompts:
                answers.add(answer)
                prompts.add(prompt)
                chosen.append(card)
                if len(chosen) == MATCH_PAIRS:
                    break
        if len(chosen) < MATCH_PAIRS:
            return None
        shown = [self.options[card.card_id] for card in chosen]
        order = list(range(MATCH_PAIRS))
        self.rng.shuffle(order)  # order[j] = which card's answer is shown in place j
        return Matching(
            tuple(chosen),
            tuple(one_line(card.front) for card in chosen),
            tuple(shown[k] for k in order),
            tuple(order.index(i) for i in range(MATCH_PAIRS)),
        )

    def _make_exercise(self) -> ExerciseQuestion | None:
        assert self.source is not None or not self.exercise_cards
        for card in self.exercise_cards:
            if card.card_id in self.used or card.card_id in self.broken:
                continue
            seed = self.rng.randrange(2**31)
            try:
                params = dict(card.demo_params or {})
                exercise = self.source.make(card.demo_name, seed, params)  # type: ignore[union-attr,arg-type]
            except Exception:  # noqa: BLE001 - a card whose demo cannot pose one is asked otherwise
                self.broken.add(card.card_id)
                continue
            return ExerciseQuestion(card, exercise, seed)
        return None


def build_quiz(
    cards: Sequence[QuizCard],
    *,
    count: int,
    types: Sequence[str] = QUESTION_TYPES,
    seed: int,
    exercises: ExerciseSource | None = None,
) -> QuizPlan:
    """Up to ``count`` questions over ``cards``, types mixed in a seeded order.

    ``exercises`` defaults to the demo engine (loaded only when exercises were asked for).
    """
    if not cards:
        raise UsageError("there are no cards to quiz on in the selected decks",
                         hint="pick other decks; `flashdl decks` lists them")
    if count < 1:
        raise UsageError(f"--count must be at least 1, not {count}")
    types = parse_types(types)
    if "exercise" in types and exercises is None:
        exercises = engine_exercises()
    builder = _Builder(cards, seed, exercises if "exercise" in types else None)

    notices: list[str] = []
    usable = [t for t in types if builder.feasible(t)]
    dropped = [t for t in types if t not in usable]
    if not usable:
        usable = [t for t in QUESTION_TYPES if t != "exercise" and builder.feasible(t)]
    if not usable:
        raise UsageError("the selected cards cannot make a quiz: their answers are all the same "
                         f"or longer than {TYPED_MAX_WORDS} words to type",
                         hint="add decks to the selection")
    for qtype in dropped:
        notices.append(f"{builder.why_not(qtype)}: asking {_names(usable)} instead.")

    cycle = list(usable)
    builder.rng.shuffle(cycle)
    slots = [cycle[i % len(cycle)] for i in range(count)]
    wanted_exercises = slots.count("exercise")
    builder.reserved = {c.card_id for c in builder.exercise_cards[:wanted_exercises]}

    questions: list[Question] = []
    for qtype in slots:
        question = None
        for candidate in [qtype, *(t for t in cycle if t != qtype), "typed"]:
            question = builder.make(candidate)
            if question is not None:
                break
        if question is None:
            break
        questions.append(question)
    if len(questions) < count:
        notices.append(f"The selection has {len(cards)} cards, enough for {len(questions)} "
                       f"questions, not {count}.")
    return QuizPlan(seed, tuple(questions), tuple(notices))
