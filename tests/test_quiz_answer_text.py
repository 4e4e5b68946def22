"""What the quiz shows of an answer keeps its meaning, and what it accepts typed is an answer."""

from __future__ import annotations

from fixtures.quiz_support import card

from flashdl.quiz.builder import build_quiz
from flashdl.quiz.questions import Matching, MultipleChoice, TrueFalse, TypedAnswer
from flashdl.quiz.text import answer_keys, option_text

LONG_BACK_REFERENCE = (
    "That was the original motivation (Ioffe & Szegedy 2015), and it remains the usual "
    "textbook story.\n\nLater experiments found that networks train well with it even when "
    "extra distribution shift is injected after it, and that its main effect is a smoother "
    "loss landscape. Treat the shift story as history, not a settled fact."
)


def test_a_first_sentence_that_points_back_at_the_question_is_never_cut_off():
    # alone, under "Does BatchNorm work because it reduces internal covariate shift?", it reads as yes
    assert option_text(LONG_BACK_REFERENCE) is None  # too long whole: no choice at all
    short = "That is a common belief. It is false: the effect is a smoother loss."
    assert option_text(short) == short  # whole, so the "false" comes along
    assert answer_keys(LONG_BACK_REFERENCE) == [answer_keys(LONG_BACK_REFERENCE)[0]]
    assert "That was" in answer_keys(LONG_BACK_REFERENCE)[0]  # only the whole answer
    # a first sentence that stands alone is still the option
    assert option_text("It drops whole feature maps. More.") == "It drops whole feature maps."


def test_a_card_whose_answer_cannot_be_cut_is_no_choice_and_no_distractor():
    cards = [card(1, LONG_BACK_REFERENCE, front="Does BatchNorm work because it reduces ICS?")]
    cards += [card(i, f"Answer number {i} about topic {i}.") for i in range(2, 10)]
    for seed in range(12):
        plan = build_quiz(cards, count=4, types=("mc", "tf", "match"), seed=seed)
        for question in plan.questions:
            if isinstance(question, Matching):
                assert 1 not in [c.card_id for c in question.match_cards]
                assert not any("That was" in a for a in question.answers)
            elif isinstance(question, MultipleChoice | TrueFalse):
                assert question.card.card_id != 1
                shown = question.options if isinstance(question, MultipleChoice) else (
                    question.statement,)
                assert not any("That was" in text for text in shown)


def test_a_label_before_a_colon_is_no_typed_answer():
    cause = "Cause: large weights multiply through many layers; the loss turns to NaN."
    assert "Cause" not in answer_keys(cause, "What causes exploding gradients?")
    cited = "Smith & Topin (2019): a one-cycle schedule with a very large peak rate."
    assert "Smith & Topin (2019)" not in answer_keys(cited, "What is super-convergence?")
    case = "If ‖g‖ > c, replace g by c · g / ‖g‖; otherwise leave it unchanged."
    assert "If ‖g‖ > c" not in answer_keys(case, "Gradient clipping: the rule?")
    # a head that is the answer still counts
    assert "√(2/n)" in answer_keys("$\\sqrt{2/n}$: the factor 2 makes up for ReLU.", "He init?")


def test_a_very_short_first_sentence_is_an_answer_of_its_own():
    back = "Only in training. For validation, testing and deployment all units stay on."
    keys = answer_keys(back, "Is dropout applied during training, validation or testing?")
    assert keys[0] == "Only in training."
    assert "Only in training. For validation" not in keys  # no fragment across sentences
    plan = build_quiz([card(1, back, front="Is dropout used in training or testing?")],
                      count=1, types=("typed",), seed=1)
    [question] = plan.questions
    assert isinstance(question, TypedAnswer)
    assert question.grade("only during training").correct
    assert not question.grade("during testing").correct
