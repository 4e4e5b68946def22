"""The five kinds of question and how each is graded.

A question is immutable once built (so a seed reproduces it exactly) and grades an answer into one
:class:`GradedItem` per card it tests: one for most types, five for a matching question, whose
pairs are stored (and fed to the schedule) card by card. The score counts questions: a matching
question is one question, right only when all five pairs are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from flashdl.quiz.cards import QuizCard
from flashdl.quiz.grading import TYPED_THRESHOLD, grade_typed
from flashdl.quiz.terms import CardTerms


@dataclasses.dataclass(frozen=True)
class GradedItem:
    """One graded answer about one card: what is stored as a ``QuizAnswer`` row."""

    card_id: int | None
    qtype: str
    prompt: str
    expected: str
    given: str
    correct: bool
    overridden: bool = False

    def overridden_as_right(self) -> GradedItem:
        """The learner says "I was right": counted correct, and marked so."""
        return dataclasses.replace(self, correct=True, overridden=True)


@dataclasses.dataclass(frozen=True)
class MultipleChoice:
    """Pick the card's answer among four; ``options[answer_index]`` is the right one."""

    qtype: ClassVar[str] = "mc"
    card: QuizCard
    prompt: str
    options: tuple[str, ...]
    answer_index: int
    explanation: str

    @property
    def cards(self) -> tuple[QuizCard, ...]:
        return (self.card,)

    @property
    def expected(self) -> str:
        return self.options[self.answer_index]

    def grade(self, choice: int) -> GradedItem:
        if not 0 <= choice < len(self.options):
            raise ValueError(f"option {choice + 1} does not exist")
        return GradedItem(self.card.card_id, self.qtype, self.prompt, self.expected,
                          self.options[choice], choice == self.answer_index)


@dataclasses.dataclass(frozen=True)
class TrueFalse:
    """Does ``statement`` answer the prompt? It is the card's own answer or a plausible wrong one."""

    qtype: ClassVar[str] = "tf"
    card: QuizCard
    prompt: str
    statement: str
    is_true: bool
    #: the card's own answer, shown after the question
    right_answer: str
    explanation: str

    @property
    def cards(self) -> tuple[QuizCard, ...]:
        return (self.card,)

    @property
    def expected(self) -> str:
        return ("yes, this is the answer to this question" if self.is_true
                else f"no, this is not the answer; the answer is: {self.right_answer}")

    def grade(self, answer: bool) -> GradedItem:
        """``answer``: the learner says the statement does (True) or does not answer the prompt."""
        return GradedItem(self.card.card_id, self.qtype, f"{self.prompt}\n→ {self.statement}",
                          self.expected, "yes" if answer else "no", answer == self.is_true)


@dataclasses.dataclass(frozen=True)
class TypedAnswer:
    """Type the answer; graded on its letters or its key terms against the accepted forms
    (:mod:`flashdl.quiz.grading`)."""

    qtype: ClassVar[str] = "typed"
    card: QuizCard
    prompt: str
    accepted: tuple[str, ...]
    #: the short form shown as "the answer"
    expected: str
    explanation: str
    threshold: float = TYPED_THRESHOLD

    @property
    def cards(self) -> tuple[QuizCard, ...]:
        return (self.card,)

    def grade(self, text: str) -> GradedItem:
        card = CardTerms.of(self.card.front, self.card.tags, self.card.back)
        verdict = grade_typed(text, self.accepted, self.threshold, card)
        return GradedItem(self.card.card_id, self.qtype, self.prompt, self.expected,
                          text.strip(), verdict.correct)


@dataclasses.dataclass(frozen=True)
class Matching:
    """Pair five prompts with five answers. ``solution[i]`` is the index in ``answers`` of the
    answer that belongs to ``prompts[i]``."""

    qtype: ClassVar[str] = "match"
    match_cards: tuple[QuizCard, ...]
    prompts: tuple[str, ...]
    answers: tuple[str, ...]
    solution: tuple[int, ...]

    @property
    def cards(self) -> tuple[QuizCard, ...]:
        return self.match_cards

    @property
    def prompt(self) -> str:
        return "Match each prompt with its answer."

    def grade(self, pairs: Mapping[int, int]) -> list[GradedItem]:
        """``pairs`` maps prompt index to answer index; an unpaired prompt is wrong."""
        items = []
        for i, card in enumerate(self.match_cards):
            chosen = pairs.get(i)
            given = self.answers[chosen] if chosen is not None else ""
            items.append(GradedItem(card.card_id, self.qtype, self.prompts[i],
                                    self.answers[self.solution[i]], given,
                                    chosen == self.solution[i]))
        return items


@dataclasses.dataclass(frozen=True)
class ExerciseQuestion:
    """A numeric question freshly generated by the demo engine, checked with its tolerance."""

    qtype: ClassVar[str] = "exercise"
    card: QuizCard
    #: a ``flashdl.engine.Exercise``: prompt, answer, worked solution, ``judge(text)``
    exercise: Any
    seed: int

    @property
    def cards(self) -> tuple[QuizCard, ...]:
        return (self.card,)

    @property
    def prompt(self) -> str:
        return str(self.exercise.prompt)

    @property
    def expected(self) -> str:
        return ", ".join(f"{value:.6g}" for value in self.exercise.answer)

    @property
    def explanation(self) -> str:
        return str(self.exercise.worked)

    def reask_hint(self, text: str) -> str | None:
        """Why ``text`` cannot be graded (not a number or arithmetic, or the wrong count of
        numbers), to ask again with; None when it can be graded. Same reading as :meth:`grade`."""
        verdict = self.exercise.judge(text)
        return None if verdict.readable else str(verdict.hint)

    def grade(self, text: str) -> GradedItem:
        return GradedItem(self.card.card_id, self.qtype, self.prompt, self.expected,
                          text.strip(), bool(self.exercise.judge(text).correct))


Question = MultipleChoice | TrueFalse | TypedAnswer | Matching | ExerciseQuestion


def item_count(question: Question) -> int:
    """How many graded items (stored answers, points) the question is worth."""
    return len(question.cards)


def unanswered_items(questions: Sequence[Question]) -> tuple[GradedItem, ...]:
    """Questions never answered (time up, ended early) as missed items with no answer given,
    one per card: a matching question gives five."""
    items: list[GradedItem] = []
    for question in questions:
        if isinstance(question, Matching):
            items += [GradedItem(card.card_id, question.qtype, question.prompts[i],
                                 question.answers[question.solution[i]], "", False)
                      for i, card in enumerate(question.match_cards)]
        else:
            items.append(GradedItem(question.card.card_id, question.qtype, question.prompt,
                                    question.expected, "", False))
    return tuple(items)
