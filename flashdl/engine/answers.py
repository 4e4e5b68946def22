"""Reading a typed exercise answer: plain numbers, or the arithmetic that produces them.

A learner working out ``3 × 0.98¹⁰`` should be able to type ``3*0.98^10`` instead of reaching for
a calculator, so an answer may be an arithmetic expression. Expressions go through simpleeval's
evaluator, restricted here to numbers, ``+ - * / ^ **``, parentheses, ``sqrt exp log ln``, and the
constants ``e`` and ``pi`` (``π``): never Python's own evaluation. The text is capped in length
and every power in exponent size, so no answer can make the checker slow or huge.

Text that is neither a number nor such an expression is not a wrong answer but an unreadable
one: :func:`read_answer` says why, so the caller can ask again instead of grading it.

simpleeval was chosen over asteval: asteval, even in its minimal mode, still offers ``open`` and
builds a billion-element list for ``[1]*10**9`` (31 s here), and takes 165 ms to import against
simpleeval's 17 ms. simpleeval is imported only when an answer is not a plain list of numbers.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

#: Longest answer text read at all.
MAX_ANSWER_CHARS = 200
#: Most numbers in one answer.
MAX_NUMBERS = 64
#: Largest |exponent| a power may have (0.98^200 is a fair question; 10^100000 is not).
MAX_EXPONENT = 1000

#: What every "please type it again" message ends with.
EXAMPLES = "Type a number or arithmetic such as 3*0.98^10, sqrt(2/256) or 1/(1-0.2)."

#: Python's other literal forms (0x10, 0b1, 1_000) are not numbers a learner means.
_NON_DECIMAL = re.compile(r"\b0[xob]|_", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?")
#: Characters people type for operators, mapped to the ones the evaluator knows.
_SYMBOLS = str.maketrans(
    {"\u2212": "-", "\u00d7": "*", "\u22c5": "*", "\u00b7": "*", "\u00f7": "/", "\u03c0": " pi "}
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


class UnreadableAnswer(ValueError):
    """The text is not a number or an arithmetic expression; the message says why."""


@dataclass(frozen=True)
class Reading:
    """What was read from an answer: its numbers, or why none could be read."""

    values: tuple[float, ...] = ()
    problem: str = ""

    @property
    def readable(self) -> bool:
        return not self.problem


def read_answer(text: Any) -> Reading:
    """The numbers in ``text``: commas or semicolons separate answers; each is an expression.

    A part made only of plain numbers separated by spaces (``"0.6 -0.8"``) is read as a list,
    as learners type vectors; anything else is one expression. Never raises.
    """
    try:
        return Reading(tuple(_read(text)))
    except UnreadableAnswer as exc:
        return Reading(problem=str(exc))


def _read(text: Any) -> list[float]:
    if not isinstance(text, str):
        raise UnreadableAnswer(f"Nothing to read. {EXAMPLES}")
    cleaned = _normalize(text)
    if not cleaned:
        raise UnreadableAnswer(f"Nothing to read. {EXAMPLES}")
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise UnreadableAnswer(
            f"That answer is {len(cleaned)} characters long; at most {MAX_ANSWER_CHARS} are read."
        )
    out: list[float] = []
    for part in _split_top_level(cleaned):
        plain = _plain_numbers(part)
        out.extend(plain if plain is not None else [_calculate(part)])
        if len(out) > MAX_NUMBERS:
            raise UnreadableAnswer(f"More than {MAX_NUMBERS} numbers: that is not an answer here.")
    return out


def _normalize(text: str) -> str:
    out = text.strip().translate(_SYMBOLS)
    # 0.98¹⁰ -> 0.98**(10)
    out = _SUPERSCRIPT_RUN.sub(lambda m: "**(" + m.group(0).translate(_SUPERSCRIPTS) + ")", out)
    # "^" is a power in a typed answer, as on a calculator, and binds tighter than "*" (Python's
    # "^" would be a bitwise xor below "*"): 3*0.98^10 is 3 * 0.98**10.
    return out.replace("^", "**").strip()


def _split_top_level(text: str) -> list[str]:
    """Split on commas and semicolons outside parentheses; brackets around a list are dropped."""
    stripped = text.strip()
    if stripped[:1] == "[" and stripped[-1:] == "]":
        stripped = stripped[1:-1]
    elif stripped[:1] == "(" and _closing(stripped) == len(stripped) - 1:
        inner = stripped[1:-1]
        if "," in inner or ";" in inner:  # "(0.6, -0.8)": a vector, not a grouping
            stripped = inner
    parts, depth, current = [], 0, []
    for ch in stripped:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    cleaned = [p.strip() for p in parts]
    if any(not p for p in cleaned):
        raise UnreadableAnswer(f"An empty entry between commas. {EXAMPLES}")
    return cleaned


def _closing(text: str) -> int:
    """Index of the parenthesis closing the one at text[0], or -1."""
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i
    return -1


def _plain_numbers(part: str) -> list[float] | None:
    """``"1.5"``, ``"-3/4"``, ``"0.6 -0.8"``: plain numbers (or a/b fractions); else None."""
    tokens = part.lower().split()
    values = []
    for token in tokens:
        pieces = token.split("/")
        if len(pieces) > 2 or not all(_NUMBER.fullmatch(p) for p in pieces):
            return None
        try:
            value = (
                Fraction(pieces[0])
                if len(pieces) == 1
                else Fraction(pieces[0]) / Fraction(pieces[1])
            )
        except (ValueError, ZeroDivisionError):
            return None
        values.append(_finite(value))
    return values


def _finite(value: Any) -> float:
    try:
        out = float(value)
    except (OverflowError, TypeError, ValueError) as exc:
        raise UnreadableAnswer(f"That number is too large to check. {EXAMPLES}") from exc
    if not math.isfinite(out):
        raise UnreadableAnswer(f"That works out to infinity or not-a-number. {EXAMPLES}")
    return out


# ------------------------------------------------------------------------------- expressions
def _power(base: Any, exponent: Any) -> float:
    exponent = float(exponent)
    if abs(exponent) > MAX_EXPONENT:
        raise UnreadableAnswer(
            f"An exponent of {exponent:g} is too large to check (at most {MAX_EXPONENT})."
        )
    return math.pow(float(base), exponent)


def _log(x: Any, base: Any = None) -> float:
    return math.log(float(x)) if base is None else math.log(float(x), float(base))


_FUNCTIONS = {"sqrt": math.sqrt, "exp": math.exp, "log": _log, "ln": _log}
_NAMES = {"e": math.e, "pi": math.pi}
_evaluator: Any = None


def _numeric_constant(node: ast.Constant) -> Any:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnreadableAnswer(f"Only numbers can be calculated with. {EXAMPLES}")
    return value


def _arithmetic_only() -> Any:
    """One simpleeval evaluator that knows arithmetic and nothing else."""
    global _evaluator
    if _evaluator is None:
        import operator

        from simpleeval import SimpleEval

        operators = {
            ast.Add: operator.add,
            ast.Sub: operator.sub,
            ast.Mult: operator.mul,
            ast.Div: operator.truediv,
            ast.Pow: _power,
            ast.USub: operator.neg,
            ast.UAdd: operator.pos,
        }
        evaluator = SimpleEval(operators=operators, functions=dict(_FUNCTIONS), names=dict(_NAMES))
        evaluator.nodes = {
            ast.Expr: evaluator.nodes[ast.Expr],
            ast.BinOp: evaluator.nodes[ast.BinOp],
            ast.UnaryOp: evaluator.nodes[ast.UnaryOp],
            ast.Call: evaluator.nodes[ast.Call],
            ast.Name: evaluator.nodes[ast.Name],
            ast.Constant: _numeric_constant,
        }
        _evaluator = evaluator
    return _evaluator


def _calculate(expression: str) -> float:
    """The value of one arithmetic expression, or UnreadableAnswer."""
    from simpleeval import InvalidExpression

    if _NON_DECIMAL.search(expression):
        raise UnreadableAnswer(f"{_quote(expression)} is not a decimal number. {EXAMPLES}")
    evaluator = _arithmetic_only()
    try:
        tree = ast.parse(expression, mode="exec")
    except (SyntaxError, ValueError) as exc:
        raise UnreadableAnswer(f"{_quote(expression)} is not a number. {EXAMPLES}") from exc
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        raise UnreadableAnswer(f"{_quote(expression)} is not a number. {EXAMPLES}")
    try:
        value = evaluator.eval(expression, previously_parsed=tree.body[0])
    except UnreadableAnswer:
        raise
    except ZeroDivisionError as exc:
        raise UnreadableAnswer(f"{_quote(expression)} divides by zero.") from exc
    except (OverflowError, ValueError, TypeError, ArithmeticError) as exc:
        raise UnreadableAnswer(
            f"{_quote(expression)} cannot be calculated ({exc}). {EXAMPLES}"
        ) from exc
    except (InvalidExpression, KeyError, AttributeError, RecursionError) as exc:
        raise UnreadableAnswer(_unknown(expression, exc)) from exc
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnreadableAnswer(f"{_quote(expression)} is not a number. {EXAMPLES}")
    return _finite(value)


def _unknown(expression: str, exc: Exception) -> str:
    name = getattr(exc, "name", None) or getattr(exc, "func_name", None)
    if isinstance(name, str):
        return (
            f"{_quote(name)} is not a number; known names are e and pi, functions sqrt, exp, "
            f"log and ln. {EXAMPLES}"
        )
    return f"{_quote(expression)} is not a number. {EXAMPLES}"


def _quote(text: str, limit: int = 30) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{shown}'"
