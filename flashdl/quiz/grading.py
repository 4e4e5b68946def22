"""Grading a typed answer: close enough counts, a different number never does.

Learners type "he init: sqrt(2/n)" or make a typo; an exact comparison would mark them wrong and
teach them to press "I was right" by reflex. The answer is compared, after :func:`normalize`, with
each accepted form of the card's answer (:func:`answer_keys`) by rapidfuzz similarity; at or above
:data:`TYPED_THRESHOLD` it is right. Formulas are the exception to leniency: "0.3" is not "0.5" and
"1/(1+p)" is not "1/(1-p)", so an accepted form that contains numbers or operators only matches an
answer with exactly the same numbers and the same operators in the same order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rapidfuzz import fuzz

from flashdl.quiz.text import answer_keys, normalize, numbers, operators

#: Similarity (0..100) from which a typed answer is right.
TYPED_THRESHOLD = 85.0


@dataclasses.dataclass(frozen=True)
class TypedVerdict:
    correct: bool
    score: float
    #: the accepted form the answer came closest to
    closest: str


def _score(given: str, key: str) -> float:
    if not given or not key:
        return 0.0
    # Whole-string measures only: matching a part of the answer would accept "it is weight" for
    # "it is weight decay". Shorter accepted forms (the first clause, the head before a colon)
    # are what make short answers count.
    return float(max(fuzz.ratio(given, key), fuzz.token_sort_ratio(given, key)))


def grade_typed(
    given: str, accepted: Sequence[str], threshold: float = TYPED_THRESHOLD
) -> TypedVerdict:
    """Compare ``given`` with every accepted form; the best score decides."""
    norm_given = normalize(given)
    given_numbers = numbers(norm_given)
    given_operators = operators(norm_given)
    best = TypedVerdict(False, 0.0, accepted[0] if accepted else "")
    for key in accepted:
        norm_key = normalize(key)
        key_numbers = numbers(norm_key)
        if key_numbers and given_numbers != key_numbers:
            continue
        key_operators = operators(norm_key)
        if key_operators and given_operators != key_operators:
            continue
        score = _score(norm_given, norm_key)
        if score > best.score:
            best = TypedVerdict(score >= threshold, score, key)
    return best


def grade_against_back(given: str, back: str, threshold: float = TYPED_THRESHOLD) -> TypedVerdict:
    return grade_typed(given, answer_keys(back), threshold)
