"""What the quiz says after an answer. Pure: the screen only shows these lines."""

from __future__ import annotations

from collections.abc import Sequence

from flashdl.quiz.questions import (
    ExerciseQuestion,
    GradedItem,
    Matching,
    Question,
    TrueFalse,
    TypedAnswer,
)


def feedback_lines(question: Question, items: Sequence[GradedItem]) -> list[str]:
    """The verdict on the answer just given; after "Answer:" the screen shows the card's back
    (an exercise's number and worked solution are part of these lines)."""
    right = sum(1 for item in items if item.correct)
    if isinstance(question, Matching):
        return [f"{right} of {len(items)} pairs right"
                + (" ✓" if right == len(items) else " (counts as right only with all pairs)")
                + ". The right letters are shown above."]
    item = items[0]
    overridden = " (overridden: you said you were right)" if item.overridden else ""
    lines = [("✓ Right." if item.correct else "✗ Wrong.") + overridden]
    if isinstance(question, TrueFalse):
        lines.append("This is the answer to this question." if question.is_true
                     else "This is not the answer to this question.")
    if isinstance(question, (TypedAnswer, ExerciseQuestion)) and not item.correct:
        lines.append("Press o if you were right after all.")
    if isinstance(question, ExerciseQuestion):
        lines += [f"Answer: {question.expected}", "", question.explanation]
    else:
        lines.append("Answer:")
    return lines
