"""Grading a typed answer: the same words or the same key terms count, a different number never does.

Learners type "he init: sqrt(2/n)", make a typo, or say it in their own words ("running averages of
mean and variance" for "Running averages collected during training"); an exact comparison would
mark them wrong and teach them to press "I was right" by reflex. An answer is right when, for one of
the accepted forms of the card's answer (:func:`answer_keys`), either

- its letters are close: after :func:`normalize`, rapidfuzz similarity at or above
  :data:`TYPED_THRESHOLD` (typos, word order), or
- it has enough of that form's key terms (:mod:`flashdl.quiz.terms`: stems, the card's tags and
  bold terms),

and it contradicts nothing in that form ("asexual" for "sexual", "off" for "on", "no weight decay")
nor, when it leaves part of the form out, puts a word in its place that the card does not use.
Formulas are the exception to leniency: "0.3" is not "0.5" and "1/(1+p)" is not "1/(1-p)", so a form
with numbers or operators only matches an answer with exactly the same numbers and the same
operators in the same order, and is never matched on key terms.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from flashdl.quiz.terms import CardTerms, contradicts, covers, foreign, terms, verdict
from flashdl.quiz.text import answer_keys, normalize, numbers, operators

#: Similarity (0..100) from which a typed answer is right.
TYPED_THRESHOLD = 85.0


@dataclasses.dataclass(frozen=True)
class TypedVerdict:
    correct: bool
    score: float
    #: the accepted form the answer came closest to
    closest: str
    #: right on its key terms rather than its letters
    by_terms: bool = False


def _score(given: str, key: str) -> float:
    if not given or not key:
        return 0.0
    # Whole-string measures only: matching a part of the answer would accept "it is weight" for
    # "it is weight decay". Shorter accepted forms (the first clause, the head before a colon)
    # are what make short answers count.
    return float(max(fuzz.ratio(given, key), fuzz.token_sort_ratio(given, key)))


def grade_typed(
    given: str,
    accepted: Sequence[str],
    threshold: float = TYPED_THRESHOLD,
    card: CardTerms | None = None,
) -> TypedVerdict:
    """Compare ``given`` with every accepted form; the first form it matches decides, otherwise
    the closest one is reported. ``card`` (the question, tags and bold terms) sharpens the key
    terms; without it every word of a form counts."""
    card = card or CardTerms.of()
    norm_given = normalize(given)
    given_numbers = numbers(norm_given)
    given_operators = operators(norm_given)
    given_terms = terms(given)
    best = TypedVerdict(False, 0.0, accepted[0] if accepted else "")
    for key in accepted:
        norm_key = normalize(key)
        key_numbers = numbers(norm_key)
        if key_numbers and given_numbers != key_numbers:
            continue
        key_operators = operators(norm_key)
        if key_operators and given_operators != key_operators:
            continue
        key_terms = terms(key)
        key_verdict = verdict(key) if card.yes_no else None
        given_verdict = verdict(given) if key_verdict else None
        if key_verdict and given_verdict:  # "no" to a question whose answer opens "No."
            if given_verdict == key_verdict:
                return TypedVerdict(True, _score(norm_given, norm_key), key, by_terms=True)
            continue
        if contradicts(given_terms, key_terms, card) or foreign(given_terms, key_terms, card):
            continue
        score = _score(norm_given, norm_key)
        if score >= threshold:
            return TypedVerdict(True, score, key)
        if not key_operators and covers(given_terms, key_terms, card):
            return TypedVerdict(True, score, key, by_terms=True)
        if score > best.score:
            best = TypedVerdict(False, score, key)
    return best


def grade_against_back(
    given: str,
    back: str,
    threshold: float = TYPED_THRESHOLD,
    *,
    front: str = "",
    tags: Iterable[str] = (),
) -> TypedVerdict:
    return grade_typed(given, answer_keys(back, front), threshold, CardTerms.of(front, tags, back))
