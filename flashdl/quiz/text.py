"""Card text as the quiz shows and compares it: plain Unicode, short options, normalized keys.

Card backs are Markdown with ``$...$`` LaTeX and are often several sentences long. A multiple-choice
option or a matching answer has to fit on a line or two of an 80-column terminal, so options are the
back's first sentence, with the math turned into Unicode (by :mod:`flashdl.render.math`, as the
study screen does). Equality of options (no two equal
options, never the right answer twice) is decided on :func:`normalize`\\ d text, which is also what
typed answers are compared on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flashdl.render.card import plain_text

OPTION_MAX_CHARS = 110
LINE_MAX_CHARS = 74
#: A first sentence shorter than this ("Usually not.") takes the next sentence along.
SHORT_SENTENCE = 20

_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bal\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bet\.)"
    r"\s+(?=[A-Z0-9(\"'“√λσμα-ωΑ-Ω])"
)
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-", "’": "'", "‘": "'",
                         "“": '"', "”": '"'})
_DROP_PUNCT = re.compile(r"[,;:!?\"'`*_]|\.(?!\d)")
_SPACES = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
#: What people type for symbols they cannot type: "sqrt(2/n)" means "√(2/n)".
_ASCII_SYMBOLS = {
    "sqrt": "√", "lambda": "λ", "sigma": "σ", "mu": "μ", "alpha": "α", "beta": "β",
    "gamma": "γ", "eta": "η", "epsilon": "ε", "theta": "θ", "sum": "∑",
}
_ASCII_SYMBOL = re.compile(r"\b(" + "|".join(_ASCII_SYMBOLS) + r")\b")
_NUMBER = re.compile(r"\d*\.?\d+")
#: Operators that change a formula's meaning; a hyphen counts only next to a digit or a bracket.
_OPERATOR = re.compile(r"[+*/^=<>√∑∏]|(?<=[\d()])-|-(?=[\d(])")


def render(markdown: str) -> str:
    """Card text for display as plain text (the one rendering path, :mod:`flashdl.render.card`)."""
    return plain_text(markdown)


def _flatten_table(lines: list[str]) -> str:
    rows = []
    for line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if all(set(cell) <= set("-: ") for cell in cells):
            continue  # the |---|---| rule under the header
        rows.append(cells)
    body = rows[1:] if len(rows) > 1 else rows  # the first row is the header
    return "; ".join(
        f"{row[0]}: {', '.join(c for c in row[1:] if c)}" if len(row) > 1 else row[0]
        for row in body
    )


def _blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text) of each paragraph, list or table, flattened onto one line."""
    flattened: list[tuple[str, str]] = []
    for chunk in re.split(r"\n\s*\n", render(markdown)):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("|") for line in lines):
            flattened.append(("table", _flatten_table(lines)))
            continue
        items: list[str] = []
        is_list = False
        for index, line in enumerate(lines):
            # a list starts a block; "2014) calls ..." inside a paragraph is no list item
            bullet = _BULLET.match(line) if index == 0 or is_list else None
            if bullet:
                is_list = True
                items.append(line[bullet.end():].strip())
            elif items and (is_list and line[:1].isspace() or not is_list):
                items[-1] += " " + line.strip()
            else:
                items.append(line.strip())
        if is_list:
            text = "; ".join(item.rstrip(".;") for item in items)
            flattened.append(("list", " ".join(text.split())))
        else:
            flattened.append(("paragraph", " ".join(" ".join(items).split())))
    return flattened


def blocks(markdown: str) -> list[str]:
    """The text's paragraphs, lists and tables, each flattened onto one line.

    List items are joined with "; " and table rows become "first cell: other cells", so the
    first block of a back is a sensible one-line summary of it.
    """
    return [text for _kind, text in _blocks(markdown)]


def joined(texts: Iterable[str]) -> str:
    """Blocks run together into one line, each ending as a sentence does."""
    return " ".join(t if t[-1:] in ".!?:;" else t + "." for t in texts if t)


def plain(markdown: str) -> str:
    """Card text as plain Unicode, one line per paragraph, list or table."""
    return "\n".join(blocks(markdown))


def clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph (an introduction ending in ":" takes the block
    it introduces along); a very short first sentence takes the next one along."""
    parts = blocks(text)
    if not parts:
        return ""
    head = parts[0]
    if head.endswith(":") and len(parts) > 1:
        return f"{head} {parts[1]}"
    sentences = _SENTENCE_END.split(head)
    summary = sentences[0]
    for sentence in sentences[1:]:
        if len(summary) >= SHORT_SENTENCE:
            break
        summary += " " + sentence
    return summary


def option_text(back: str) -> str:
    """How a card's answer appears as a choice: its first sentence, in full (it wraps on screen;
    a learner must never judge a cut formula)."""
    return " ".join(first_sentence(back).split())


def one_line(text: str) -> str:
    """A prompt or answer on one line (matching questions list five of each), never cut."""
    return " ".join(plain(text).split())


def answer_keys(back: str) -> list[str]:
    """The forms of an answer a learner might reasonably type, shortest first.

    "$\\sqrt{2/n}$: the factor 2 makes up ..." accepts "√(2/n)" (the head before a colon), the
    first clause, the first sentence and the whole answer. Backs that open with a list or a table
    accept only whole blocks: "LeCun" alone does not answer a table of three schemes.
    """
    parts = _blocks(back)
    keys = [joined(text for _kind, text in parts), first_sentence(back)]
    if parts and parts[0][0] == "paragraph":
        sentence = keys[1]
        head = sentence.split(":", 1)[0]
        if head != sentence:
            keys.append(head)  # "answer: why" is how many backs are written
        for separator in (";", " - ", ", "):
            head = sentence.split(separator, 1)[0]
            # "L1" alone is not "L1 is LASSO"; "He (2015" is no answer at all.
            if head != sentence and len(head.split()) >= 3 and head.count("(") == head.count(")"):
                keys.append(head)
    unique: list[str] = []
    seen: set[str] = set()
    for key in sorted(keys, key=len):
        norm = normalize(key)
        if norm and norm not in seen:
            seen.add(norm)
            unique.append(key)
    return unique


def normalize(text: str) -> str:
    """Comparison form: case, accents' composition, dashes, quotes, emphasis and most punctuation
    ignored; maths symbols (+ - * / ^ = parentheses) and decimal points kept, since "1/(1-p)" and
    "1/(1+p)" are different answers."""
    text = unicodedata.normalize("NFKC", plain(text)).casefold().translate(_DASHES)
    text = _ASCII_SYMBOL.sub(lambda m: _ASCII_SYMBOLS[m.group(1)], text)
    text = text.replace("×", "*").replace("·", "*")
    text = _DROP_PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def numbers(text: str) -> set[str]:
    """The numbers written in ``text``, as canonical strings ("0.50" and ".5" both give "0.5")."""
    return {repr(float(raw)) for raw in _NUMBER.findall(text)}


def operators(text: str) -> list[str]:
    """The formula operators in ``text``, in order: "1/(1-p)" and "1/(1+p)" differ here."""
    return _OPERATOR.findall(text)
