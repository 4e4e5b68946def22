"""How each kind of question is asked: the prompt shown, the hint under it, the answer widget."""

from __future__ import annotations

from flashdl.quiz.questions import (
    ExerciseQuestion,
    MultipleChoice,
    Question,
    TrueFalse,
    TypedAnswer,
)
from flashdl.tui.screens.quiz_match import MatchPanel
from flashdl.tui.screens.quiz_questions import AnswerInput, ChoicePanel

MC_KEYS = "1234"
TF_QUESTION = "Does this answer the question above? (t = yes / f = no)"
HINTS = {
    "mc": "Press 1-4 or click an option.",
    "tf": "Press t (yes) or f (no), or click.",
    "typed": "Type the answer and press Enter.",
    "exercise": "Type the number or arithmetic such as 3*0.98^10 (several: separate them with "
    "commas) and press Enter.",
    "match": "Choose a prompt (1-5 or click), then its answer (a-e or click); Enter checks.",
}


def prompt_text(question: Question) -> str:
    """What the question asks, as shown above its answer widget."""
    if isinstance(question, TrueFalse):
        return f"{question.prompt}\n\nOffered answer:\n{question.statement}\n\n{TF_QUESTION}"
    return question.prompt


def answer_widget(question: Question) -> ChoicePanel | AnswerInput | MatchPanel:
    """The widget the question is answered with."""
    if isinstance(question, MultipleChoice):
        return ChoicePanel([(MC_KEYS[i], text, i) for i, text in enumerate(question.options)])
    if isinstance(question, TrueFalse):
        return ChoicePanel([("t", "Yes, it answers it", True), ("f", "No", False)])
    if isinstance(question, TypedAnswer):
        return AnswerInput("type the answer, Enter to submit")
    if isinstance(question, ExerciseQuestion):
        return AnswerInput("type the number(s), Enter to submit")
    return MatchPanel(question)
