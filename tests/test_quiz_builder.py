"""Making a quiz from cards: plausible distractors, reproducible seeds, honest fallbacks."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from fixtures.quiz_support import card

from flashdl.errors import UsageError
from flashdl.quiz.builder import ExerciseSource, build_quiz, parse_types
from flashdl.quiz.cards import QUESTION_TYPES
from flashdl.quiz.questions import ExerciseQuestion, Matching, MultipleChoice, TrueFalse
from flashdl.quiz.text import normalize

TOPICS = {
    "dropout": [
        "Kept units are multiplied by $1/(1-p)$ during training.",
        "A fresh random dropout mask is drawn for every example.",
        "Dropout is switched off at test time.",
        "MC dropout keeps dropout on at test time and averages several passes.",
    ],
    "init": [
        "He initialization uses variance 2/n for ReLU layers.",
        "Xavier initialization uses variance 2/(n_in + n_out).",
        "LeCun initialization uses variance 1/n.",
    ],
    "norm": [
        "BatchNorm normalizes each feature over the batch.",
        "LayerNorm normalizes over the features of one example.",
    ],
}


def topic_cards(deck: str = "d", start: int = 1) -> list:
    cards = []
    for tag, backs in TOPICS.items():
        for back in backs:
            cards.append(card(start + len(cards), back, tags=(tag,), deck=deck))
    return cards


def fake_exercises(names: set[str]) -> ExerciseSource:
    """An exercise source that poses "what is seed mod 7?" (the real engine is tested too)."""

    def make(name: str, seed: int, params: dict) -> SimpleNamespace:
        answer = seed % 7
        return SimpleNamespace(
            prompt=f"{name}: what is {seed} mod 7?", answer=(float(answer),),
            worked=f"{seed} = 7k + {answer}", check=lambda text: text.strip() == str(answer),
        )

    return ExerciseSource(frozenset(names), make)


def test_multiple_choice_has_four_distinct_options_with_the_right_answer_exactly_once():
    cards = topic_cards()
    for seed in range(30):
        plan = build_quiz(cards, count=9, types=["mc"], seed=seed)
        assert plan.questions and all(isinstance(q, MultipleChoice) for q in plan.questions)
        for q in plan.questions:
            assert len(q.options) == 4
            assert len({normalize(o) for o in q.options}) == 4, q.options
            right = normalize(q.options[q.answer_index])
            assert right == normalize(q.card.back.split(".")[0] + ".") or right == normalize(q.card.back)
            assert [normalize(o) for o in q.options].count(right) == 1


def test_distractors_prefer_answers_on_the_same_topic():
    cards = topic_cards()
    topic_of = {normalize(c.back): c.tags[0] for c in cards}
    same_topic = 0
    total = 0
    for seed in range(20):
        for q in build_quiz(cards, count=9, types=["mc"], seed=seed).questions:
            if "dropout" not in q.card.tags:
                continue
            wrong = [o for i, o in enumerate(q.options) if i != q.answer_index]
            same_topic += sum(topic_of[normalize(o)] == "dropout" for o in wrong)
            total += len(wrong)
    # a dropout question has three other dropout answers: they should be the distractors
    assert total and same_topic / total > 0.9


def test_distractors_never_repeat_the_right_answer_even_when_cards_share_it():
    cards = topic_cards()
    twin = card(99, TOPICS["dropout"][0], tags=("dropout",))  # same answer, another card
    for seed in range(20):
        for q in build_quiz([*cards, twin], count=10, types=["mc"], seed=seed).questions:
            keys = [normalize(o) for o in q.options]
            assert len(set(keys)) == 4


def test_options_come_only_from_the_selected_cards():
    chosen = topic_cards("chosen")
    chosen_backs = {normalize(c.back) for c in chosen}
    for seed in range(10):
        plan = build_quiz(chosen, count=9, types=["mc", "tf", "match"], seed=seed)
        for q in plan.questions:
            shown = list(getattr(q, "options", ())) + list(getattr(q, "answers", ()))
            if isinstance(q, TrueFalse):
                shown.append(q.statement)
            for text in shown:
                assert normalize(text) in chosen_backs


def test_the_same_seed_gives_the_same_quiz_and_another_seed_another():
    cards = topic_cards()
    source = fake_exercises(set())
    first = build_quiz(cards, count=6, seed=42, exercises=source)
    again = build_quiz(list(reversed(cards)), count=6, seed=42, exercises=source)
    assert first == again
    others = {build_quiz(cards, count=6, seed=s, exercises=source).questions for s in range(5)}
    assert len(others) > 1


def test_the_same_seed_gives_the_same_exercise_numbers_from_the_engine():
    cards = [*topic_cards(), card(50, "Kept units are scaled by 1/(1-p).", demo="dropout",
                                  params={"p": 0.5, "mode": "inverted"})]
    first = build_quiz(cards, count=3, types=["exercise", "typed"], seed=7)
    again = build_quiz(cards, count=3, types=["exercise", "typed"], seed=7)
    exercises = [q for q in first.questions if isinstance(q, ExerciseQuestion)]
    assert len(exercises) == 1
    assert [q.prompt for q in first.questions] == [q.prompt for q in again.questions]
    exercise = exercises[0]
    assert exercise.exercise.check(exercise.expected)
    assert not exercise.exercise.check("-1")


def test_a_mixed_quiz_uses_every_requested_type():
    cards = [*topic_cards(), card(40, "seven", demo="x"), card(41, "eight", demo="x")]
    plan = build_quiz(cards, count=5, seed=3, exercises=fake_exercises({"x"}))
    assert sorted(q.qtype for q in plan.questions) == sorted(QUESTION_TYPES)
    assert plan.notices == ()
    assert plan.item_count == 4 + 5  # a matching question is worth five pairs


def test_no_card_is_asked_twice():
    cards = [*topic_cards(), card(40, "seven", demo="x")]
    plan = build_quiz(cards, count=8, seed=11, exercises=fake_exercises({"x"}))
    asked = [c.card_id for q in plan.questions for c in q.cards]
    assert len(asked) == len(set(asked))


def test_too_few_cards_for_multiple_choice_falls_back_with_one_notice():
    cards = [card(1, "Alpha."), card(2, "Beta."), card(3, "Gamma.")]
    plan = build_quiz(cards, count=3, types=["mc", "typed"], seed=1)
    assert {q.qtype for q in plan.questions} == {"typed"}
    assert len(plan.notices) == 1
    notice = plan.notices[0]
    assert "\n" not in notice
    assert "multiple choice needs at least 4 cards" in notice and "has 3" in notice
    assert "typed answer" in notice


def test_duplicate_answers_do_not_count_towards_the_four_needed():
    cards = [card(1, "Alpha."), card(2, "alpha"), card(3, "Beta."), card(4, "Gamma.")]
    plan = build_quiz(cards, count=2, types=["mc"], seed=1)
    assert all(q.qtype != "mc" for q in plan.questions)
    assert "has 3" in plan.notices[0]


def test_matching_needs_five_different_answers_and_pairs_them_all():
    four = [card(i, f"Answer number {i}.") for i in range(1, 5)]
    plan = build_quiz(four, count=1, types=["match"], seed=2)
    assert plan.questions[0].qtype != "match"
    assert "matching needs at least 5" in plan.notices[0]

    five = [*four, card(5, "Answer number 5.")]
    match = build_quiz(five, count=1, types=["match"], seed=2).questions[0]
    assert isinstance(match, Matching)
    assert sorted(match.solution) == [0, 1, 2, 3, 4]
    for i, c in enumerate(match.match_cards):
        assert normalize(match.answers[match.solution[i]]) == normalize(c.back)


def test_no_exercise_cards_falls_back_with_a_notice():
    plan = build_quiz(topic_cards(), count=3, types=["exercise", "tf"], seed=5,
                      exercises=fake_exercises({"x"}))
    assert {q.qtype for q in plan.questions} == {"tf"}
    assert plan.notices == ("no card in the selection has a numeric exercise: asking true/false "
                            "instead.",)


def test_a_card_whose_exercise_cannot_be_made_is_asked_another_way():
    def broken(name: str, seed: int, params: dict):
        raise ValueError("bad parameters")

    cards = [*topic_cards(), card(40, "seven", demo="x")]
    plan = build_quiz(cards, count=2, types=["exercise"], seed=1,
                      exercises=ExerciseSource(frozenset({"x"}), broken))
    assert len(plan.questions) == 2
    assert all(q.qtype != "exercise" for q in plan.questions)


def test_true_false_pairs_the_prompt_with_its_own_or_a_plausible_wrong_answer():
    cards = topic_cards()
    seen = set()
    for seed in range(20):
        for q in build_quiz(cards, count=9, types=["tf"], seed=seed).questions:
            assert isinstance(q, TrueFalse)
            own = normalize(q.right_answer)
            assert (normalize(q.statement) == own) == q.is_true
            seen.add(q.is_true)
            assert q.grade(q.is_true).correct and not q.grade(not q.is_true).correct
    assert seen == {True, False}


def test_a_quiz_longer_than_the_selection_is_cut_with_a_notice():
    cards = topic_cards()
    plan = build_quiz(cards, count=50, types=["tf"], seed=1)
    assert len(plan.questions) == len(cards)
    assert plan.notices == (f"The selection has {len(cards)} cards, enough for {len(cards)} "
                            "questions, not 50.",)


def test_an_empty_selection_is_a_usage_error():
    with pytest.raises(UsageError, match="no cards to quiz on"):
        build_quiz([], count=5, seed=1)


@pytest.mark.parametrize("text,expected", [
    ("mc", ("mc",)),
    ("mc, TF ,typed", ("mc", "tf", "typed")),
    ("match,match", ("match",)),
])
def test_question_types_are_parsed(text, expected):
    assert parse_types(text) == expected


@pytest.mark.parametrize("text,message", [
    ("mc,essay", "unknown question type 'essay'"),
    ("", "no question types given"),
    (" , ", "no question types given"),
])
def test_bad_question_types_are_usage_errors(text, message):
    with pytest.raises(UsageError, match=message) as info:
        parse_types(text)
    assert "mc,tf,typed,match,exercise" in str(info.value)


def test_grading_a_multiple_choice_and_a_match():
    plan = build_quiz(topic_cards(), count=2, types=["mc", "match"], seed=4)
    mc = next(q for q in plan.questions if isinstance(q, MultipleChoice))
    assert mc.grade(mc.answer_index).correct
    assert not mc.grade((mc.answer_index + 1) % 4).correct
    match = next(q for q in plan.questions if isinstance(q, Matching))
    right = match.grade(dict(enumerate(match.solution)))
    assert [item.correct for item in right] == [True] * 5
    swapped = dict(enumerate(match.solution))
    swapped[0], swapped[1] = swapped[1], swapped[0]
    partly = match.grade(swapped)
    assert [item.correct for item in partly] == [False, False, True, True, True]
    assert partly[0].given == match.answers[match.solution[1]]
    unpaired = match.grade({})
    assert not any(item.correct for item in unpaired) and unpaired[0].given == ""


def test_overriding_marks_the_item_right_and_overridden():
    plan = build_quiz(topic_cards(), count=1, types=["typed"], seed=4)
    item = plan.questions[0].grade("something else entirely")
    assert not item.correct
    fixed = item.overridden_as_right()
    assert fixed.correct and fixed.overridden
    assert dataclasses.replace(fixed, correct=False, overridden=False) == item


def test_exercise_cards_are_asked_only_as_exercises():
    cards = topic_cards()
    cards = [dataclasses.replace(c, kind="exercise", demo_name="dropout") if c.card_id <= 3 else c
             for c in cards]
    for seed in range(20):
        plan = build_quiz(cards, count=20, types=["mc", "tf", "typed", "match", "exercise"],
                          seed=seed, exercises=fake_exercises({"dropout"}))
        for q in plan.questions:
            if q.qtype != "exercise":
                assert all(c.kind != "exercise" for c in q.cards), q
            if q.qtype == "mc":
                assert not {o for o in q.options} & {cards[i].back for i in range(3)}
        asked = [q for q in plan.questions if q.qtype == "exercise"]
        assert all(q.card.card_id <= 3 for q in asked)


def test_typed_questions_only_for_short_answers_else_other_types():
    long_back = "It shrinks them toward zero without ever making any of them exactly zero."
    cards = [card(i, f"{long_back[:-1]} in variant number {i}.", tags=("t",)) for i in range(1, 7)]
    plan = build_quiz(cards, count=3, types=["typed", "mc"], seed=3)
    assert plan.questions and all(q.qtype == "mc" for q in plan.questions)
    assert any("typed answer" in notice for notice in plan.notices)
    short = cards + [card(9, "Weight decay.", tags=("t",))]
    plan = build_quiz(short, count=1, types=["typed"], seed=3)
    assert [q.card.card_id for q in plan.questions] == [9]


def test_options_and_statements_are_never_cut():
    long_tail = " and".join(f" clause {i} of the rule" for i in range(12))
    cards = [card(i, f"Answer {i}: $p(a|b) = p(b|a)p(a)/p(b)$ {long_tail}.") for i in range(1, 9)]
    for seed in range(5):
        plan = build_quiz(cards, count=4, types=["mc", "tf", "match"], seed=seed)
        for q in plan.questions:
            texts = {"mc": lambda q: q.options, "tf": lambda q: (q.statement,),
                     "match": lambda q: q.answers}[q.qtype](q)
            assert all("…" not in t for t in texts)


def test_cards_that_fit_no_question_type_are_a_usage_error():
    long_back = "It shrinks them toward zero without ever making any of them exactly zero."
    cards = [card(i, long_back) for i in range(1, 4)]
    with pytest.raises(UsageError, match="cannot make"):
        build_quiz(cards, count=2, types=["typed"], seed=1)
