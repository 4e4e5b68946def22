"""Typed answers are graded on their key terms: a learner's correct paraphrase of a built-in card is
right, a wrong answer that shares its words is wrong.

The table grades against the cards as they are in ``decks/`` now (looked up by id, so a reworded
card is graded as reworded); each row is a real paraphrase or a real near-miss of its card's fact.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from flashdl.quiz.grading import grade_against_back
from flashdl.quiz.terms import CardTerms, terms, verdict

DECKS = Path(__file__).resolve().parent.parent / "decks"

#: card id: (right answers in other words, wrong answers that share words with the right one)
TABLE: dict[str, tuple[list[str], list[str]]] = {
    "batchnorm-inference": (
        ["running averages of mean and variance",  # the example
         "running averages collected during training",
         "running mean and running variance from training",
         "the running averages",
         "moving averages of the mean and variance computed during training",
         "running averages of μ and σ², not the batch statistics"],
        ["the mean and variance of the test batch",
         "the batch statistics of the current batch",
         "averages collected during testing",
         "running averages collected during testing",
         "not running averages"]),
    "dropout-evolution-analogy": (
        ["sexual reproduction", "Sexual reproduction, mixing the genes of two parents",
         "sexual reprodcution"],
        ["asexual reproduction", "natural selection", "reproduction by cloning"]),
    "dropout-train-only": (
        ["only in training", "during training only", "training",
         "only while training, never at test time", "in training, not in validation or testing"],
        ["training and testing", "during testing", "in validation and testing",
         "only at test time"]),
    "mc-dropout": (
        ["keep dropout switched on at test time and average several passes",
         "leave dropout on at test time", "dropout stays switched on at inference"],
        ["turn dropout off at test time", "dropout is switched off at test time",
         "use dropout only during training"]),
    "dropout-bernoulli-noise": (
        ["multiplicative Bernoulli noise", "Bernoulli noise that multiplies each unit's output"],
        ["additive Gaussian noise", "additive Bernoulli noise", "multiplicative Gaussian noise"]),
    "l2-vs-decoupled-decay": (
        ["only for plain SGD without momentum", "no, only with plain SGD and no momentum",
         "only for vanilla SGD without momentum"],
        ["yes, always", "only for SGD with momentum", "only with Adam"]),
    "covariate-shift": (
        ["the input distribution changes between training and test time",
         "the distribution of the inputs differs between training and use"],
        ["the output distribution differs between training and use",
         "the input distribution stays the same"]),
    "overfitting": (
        ["the model memorises the training data, noise included",
         "the model learns the training set including its noise"],
        ["the model fails to learn the training set", "the model learns the test set",
         "the model learns the validation set", "the model ignores the training set"]),
    "bias-variance-tradeoff": (
        ["more capacity means lower bias but higher variance",
         "bias decreases and variance increases with more capacity"],
        ["more capacity raises bias and lowers variance",
         "more capacity lowers both bias and variance"]),
    "learning-rate-log-scale": (
        ["because their effect depends on ratios, not differences",
         "the effect depends on the ratio"],
        ["their effect depends on differences, not ratios",
         "their effect depends on absolute differences"]),
    "lr-annealing": (
        ["decreasing the learning rate during training",
         "reducing the learning rate over the course of training"],
        ["raising the learning rate as training goes on",
         "lowering the batch size as training goes on"]),
    "l1-sparsity-speed": (
        ["no", "usually not", "not really, dense kernels are just as fast"],
        ["yes", "yes, much faster"]),
    "dropout-neuron-importance": (
        ["any unit can be dropped at any step", "because any unit can disappear at any step"],
        ["units never vanish", "every unit is present in every step"]),
    "initialization-mismatch": (
        ["it assumes activations keep the variance while ReLU halves it"],
        ["Xavier assumes ReLU doubles the variance"]),
    "dropout-backward": (
        ["reuse the mask from the forward pass"],
        ["draw a new mask", "reuse the backward mask"]),
}


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
ROWS = [(card_id, answer, right) for card_id, (rights, wrongs) in TABLE.items()
        for answers, right in ((rights, True), (wrongs, False)) for answer in answers]


@pytest.mark.parametrize("card_id,answer,right", ROWS,
                         ids=[f"{'right' if r else 'wrong'}:{c}:{a[:30]}" for c, a, r in ROWS])
def test_paraphrases_pass_and_near_misses_fail(card_id, answer, right):
    card = CARDS.get(card_id)
    assert card is not None, f"the built-in card {card_id!r} is gone: update this table"
    verdict_ = grade_against_back(answer, card["back"], front=card["front"],
                                  tags=card.get("tags", ()))
    assert verdict_.correct is right, verdict_


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
