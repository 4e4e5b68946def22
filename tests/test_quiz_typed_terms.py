"""Typed answers are graded on their key terms: a learner's correct paraphrase of a built-in card is
right, a wrong answer that shares its words is wrong.

The table (``fixtures/typed_answers.toml``) quotes built-in cards as v0.1 shipped them, so a deck
edit does not change what it tests; the decks as they are now are checked too: each card accepts
its own answer and rejects the answers of the cards that share the most words with it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from flashdl.quiz.grading import grade_against_back
from flashdl.quiz.terms import CardTerms, terms, verdict

TESTS = Path(__file__).resolve().parent
DECKS = TESTS.parent / "decks"
TABLE = tomllib.loads((TESTS / "fixtures" / "typed_answers.toml").read_text(encoding="utf-8"))
ROWS = [(card, answer, right) for card in TABLE["card"]
        for key, right in (("right", True), ("wrong", False)) for answer in card[key]]

#: cards whose answers also answer the other's question
ANSWERS_EACH_OTHER = {
    # "Covariate shift is a change in a model's input distribution." defines covariate shift
    ("covariate-shift", "internal-covariate-shift"),
}


def _cards() -> dict[str, dict]:
    cards = {}
    for path in sorted(DECKS.glob("*.toml")):
        for card in tomllib.loads(path.read_text(encoding="utf-8"))["cards"]:
            cards[card["id"]] = card
    return cards


CARDS = _cards()


@pytest.mark.parametrize(
    "card,answer,right", ROWS,
    ids=[f"{'right' if r else 'wrong'}:{c['id']}:{a[:30]}" for c, a, r in ROWS])
def test_paraphrases_pass_and_near_misses_fail(card, answer, right):
    graded = grade_against_back(answer, card["back"], front=card["front"], tags=card["tags"])
    assert graded.correct is right, graded


def test_the_table_has_both_kinds_for_a_dozen_cards():
    assert len(TABLE["card"]) >= 12
    assert all(card["right"] and card["wrong"] for card in TABLE["card"])


def test_the_typed_questions_of_the_built_in_decks_accept_their_own_answer():
    """The short accepted forms of every card a typed question can ask are right as they are."""
    from flashdl.quiz.builder import TYPED_MAX_WORDS
    from flashdl.quiz.text import answer_keys

    asked = 0
    for card in CARDS.values():
        keys = answer_keys(card["back"], card["front"])
        if card.get("kind") == "exercise" or len(keys[0].split()) > TYPED_MAX_WORDS:
            continue
        asked += 1
        for key in (k for k in keys if len(k.split()) <= 2 * TYPED_MAX_WORDS):
            assert grade_against_back(key, card["back"], front=card["front"],
                                      tags=card.get("tags", ())).correct, (card["id"], key)
    assert asked >= 10


def test_another_cards_answer_that_shares_the_most_words_is_wrong():
    """For every card a typed question can ask, the answers of the four other cards that share
    the most words with it are wrong (a yes/no answer is right for any question it answers)."""
    import re

    from flashdl.quiz.builder import TYPED_MAX_WORDS
    from flashdl.quiz.text import answer_keys

    def words(text):
        return set(re.findall(r"[a-z]{3,}", text.casefold()))

    firsts = {cid: answer_keys(c["back"], c["front"])[0] for cid, c in CARDS.items()}
    for card_id, card in CARDS.items():
        own = firsts[card_id]
        if card.get("kind") == "exercise" or len(own.split()) > TYPED_MAX_WORDS:
            continue
        others = sorted((o for o in CARDS if o != card_id and len(firsts[o].split()) <= 20),
                        key=lambda o: -len(words(firsts[o]) & words(card["back"])))
        for other in others[:4]:
            if verdict(firsts[other]) and verdict(firsts[other]) == verdict(own):
                continue  # "No." is the answer to more than one question
            if (card_id, other) in ANSWERS_EACH_OTHER:
                continue
            graded = grade_against_back(firsts[other], card["back"], front=card["front"],
                                        tags=card.get("tags", ()))
            assert not graded.correct, (card_id, other, firsts[other])


def test_bold_terms_are_always_needed_and_tags_weigh_double():
    back = "Use **early stopping** with a patience of a few epochs on the validation loss."
    front = "How do you stop training before the model overfits?"
    assert grade_against_back("early stopping on the validation loss", back, front=front).correct
    # half the terms, but not the bold ones
    assert not grade_against_back("a patience of a few epochs on the validation loss", back,
                                  front=front).correct
    key = "It shrinks weights toward zero, like a Gaussian prior"
    card = CardTerms.of("What does L2 do?", ("shrinkage", "prior"), key)
    from flashdl.quiz.grading import grade_typed

    assert grade_typed("shrinks weights, a prior", [key], card=card).correct
    assert not grade_typed("weights toward zero", [key], card=CardTerms.of("What does L2 do?",
                                                                           ("shrinkage",), key)).correct


def test_negation_reaches_to_the_end_of_its_clause():
    marks = [(t.stem, t.negated) for t in terms("not the batch statistics, but running averages")]
    assert marks == [("batch", True), ("statist", True), ("run", False), ("averag", False)]
    assert [t.negated for t in terms("it doesn't use the batch")] == [True]
    assert verdict("Usually not. Dense kernels are fast.") == "no"
    assert verdict("Only for plain SGD") is None
