"""Typed answers are graded leniently on wording and strictly on numbers and formulas; card text
becomes short, readable options."""

from __future__ import annotations

import pytest

from flashdl.quiz.grading import TYPED_THRESHOLD, grade_against_back, grade_typed
from flashdl.quiz.text import answer_keys, normalize, one_line, option_text, plain

DROPOUT = "Kept units are multiplied by $1/(1-p)$, so the expected activation stays the same."
HE = "$\\sqrt{2/n}$: the factor 2 makes up for ReLU zeroing half of its inputs."
L2 = "It is **weight decay**, the L2 penalty."


@pytest.mark.parametrize("given,back", [
    ("Kept units are multiplied by 1/(1-p)", DROPOUT),  # the first clause
    ("kept units are multiplied by 1/(1-p), so the expected activation stays the same", DROPOUT),
    ("units are multiplied by 1/(1-p)", DROPOUT),
    ("Kept unit are multipled by 1/(1-p)", DROPOUT),  # typos
    ("√(2/n)", HE),  # the head before the colon
    ("sqrt(2/n)", HE),  # what people can type
    ("  SQRT( 2/n ) ", HE),
    ("it is weight-decay", L2),
    ("weight decay, the L2 penalty", L2),
])
def test_close_answers_are_right(given, back):
    verdict = grade_against_back(given, back)
    assert verdict.correct, verdict
    assert verdict.score >= TYPED_THRESHOLD or verdict.by_terms


@pytest.mark.parametrize("given,back", [
    ("", DROPOUT),
    ("the", DROPOUT),  # a word from the answer is not the answer
    ("units", DROPOUT),
    ("multiplied", DROPOUT),
    ("multiplied by 1/(1+p)", DROPOUT),  # another formula
    ("multiplied by 1/p", DROPOUT),
    ("√(3/n)", HE),  # another number
    ("√(2/m)", HE),
    ("it is weight", L2),
    ("L1 penalty", L2),
])
def test_wrong_answers_are_wrong(given, back):
    assert not grade_against_back(given, back).correct


def test_the_threshold_decides_between_near_misses():
    accepted = ["weight decay"]
    assert grade_typed("weight dacay", accepted).correct  # one slip in twelve letters
    # a short word mistyped is no term of the answer: its letters decide
    assert not grade_typed("weight dacay", accepted, threshold=95).correct
    assert not grade_typed("wieght dacay", accepted).correct  # two slips
    assert grade_typed("wieght dacay", accepted, threshold=70).correct
    # another word in place of one of the answer's is wrong at any threshold
    assert not grade_typed("wait decay", accepted).correct
    assert not grade_typed("wait decay", accepted, threshold=70).correct
    assert grade_typed("Weight Decay.", accepted).score == 100


def test_numbers_must_match_exactly_in_value():
    assert grade_typed("p = 0.50", ["p = 0.5"]).correct
    assert grade_typed("p = .5", ["p = 0.5"]).correct
    assert not grade_typed("p = 0.6", ["p = 0.5"]).correct
    assert not grade_typed("p = 0.5 or 2", ["p = 0.5"]).correct


def test_normalize_ignores_case_emphasis_and_punctuation_but_keeps_maths():
    assert normalize("**Weight  Decay**.") == "weight decay"
    assert normalize("“It’s” — fine!") == "it s - fine"
    assert normalize("1/(1-p)") != normalize("1/(1+p)")
    assert normalize("p = 0.5") == "p = 0.5"
    assert normalize("sqrt(2/n)") == normalize("$\\sqrt{2/n}$")


def test_options_are_the_first_sentence_with_math_in_unicode():
    back = "L1, $\\lambda\\sum_i |w_i|$, is **LASSO**; it zeroes weights. L2 is ridge."
    assert option_text(back) == "L1, λ∑ᵢ |wᵢ|, is LASSO; it zeroes weights."
    assert option_text("$\\frac{1}{1-p}$ in training. More text.") == "1/(1-p) in training."


def test_a_very_short_first_sentence_takes_the_next_along():
    assert option_text("Usually not. Dense kernels are fast anyway. Third.") == (
        "Usually not. Dense kernels are fast anyway."
    )


def test_abbreviations_do_not_end_a_sentence():
    assert option_text("Var(w) = 1/n (LeCun et al. 1998). More.") == "Var(w) = 1/n (LeCun et al. 1998)."
    assert option_text("Scale it, e.g. By two. Then stop.").startswith("Scale it, e.g. By two.")


def test_long_options_are_shown_in_full_never_cut():
    back = "The update is $w - \\eta \\nabla L$ " + "word " * 60
    text = option_text(back)
    assert "…" not in text and text.endswith("word") and text.count("word") == 60
    assert text.startswith("The update is w - η∇")


def test_lists_and_tables_become_one_readable_line():
    listed = "- first point.\n- second point\n  continued here\n\nAfter the list."
    assert plain(listed) == "first point; second point continued here\nAfter the list."
    table = "| scheme | Var(w) |\n|---|---|\n| LeCun | 1/n |\n| He | 2/n |"
    assert option_text(table) == "LeCun: 1/n; He: 2/n"
    intro = "With drop probability p:\n\n- kept: x/(1-p)\n- dropped: 0"
    assert option_text(intro) == "With drop probability p: kept: x/(1-p); dropped: 0"


def test_a_year_in_a_paragraph_is_not_a_list_item():
    text = "The lecture (after Srivastava et al.\n2014) calls it p."
    assert plain(text) == "The lecture (after Srivastava et al. 2014) calls it p."


def test_answer_keys_offer_the_head_but_not_a_fragment():
    assert "√(2/n)" in answer_keys(HE)
    keys = answer_keys("L1, $\\lambda\\sum_i |w_i|$, is LASSO; it zeroes weights.")
    assert "L1" not in keys  # "L1" alone does not say which is LASSO
    table_keys = answer_keys("| scheme | Var |\n|---|---|\n| LeCun | 1/n |\n| He | 2/n |")
    assert "LeCun" not in table_keys


def test_card_text_stays_literal():
    text = "Use [b]bold[/b] and [@click=app.quit]x[/] here."
    assert plain(text) == text
    assert one_line(text) == text
