"""Card text as the quiz shows and compares it: plain Unicode, short options, normalized keys.

Card backs are Markdown with ``$...$`` LaTeX and are often several sentences long. A multiple-choice
option or a matching answer has to fit on a line or two of an 80-column terminal, so options are the
back's first sentence, with the math turned into Unicode (by :mod:`flashdl.render.math`, as the
study screen does). Equality of options (no two equal
options, never the right answer twice) is decided on :func:`normalize`\\ d text, which is also what
typed answers are compared on. A first sentence that only makes sense after the question ("That was
the original motivation ...") is never cut off from the rest of its answer.
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
#: An answer whose first sentence does not stand alone is a choice only if it is this short whole.
WHOLE_ANSWER_MAX_CHARS = 3 * LINE_MAX_CHARS

_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bal\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bet\.)"
    r"\s+(?=[A-Z0-9(\"'“√λσμα-ωΑ-Ω])"
)
_POINTS_BACK = re.compile(
    r"(?:that|this|these|those|such)\s+(?:is|was|are|were|remains?|has|had|seems?)\b"
    r"|(?:that|this)'s\b",
    re.IGNORECASE,
)
#: Words that open a label before a colon, not an answer ("If ‖g‖ > c:", "Too small:").
_LABEL_START = re.compile(
    r"(?:if|for|when|with|without|too|in|at|during|after|before|example|e\.g\.|note|step|"
    r"cause|rule|pytorch|keras|tensorflow)\b",
    re.IGNORECASE,
)
_DERIVATION = re.compile(r"\s*(?:show|derive|prove|explain|work out|sketch)\b", re.IGNORECASE)
#: "λ = 0", "p = 0.5": one case of a variable
_CASE = re.compile(r"(\S+)\s*=\s*-?[\d.]+")
#: "Smith & Topin (2019)", "He et al. (2015)", "Glorot and Bengio (2010)"
_CITATION = re.compile(r"[A-Z][\w'-]+(?:\s+(?:&|and)\s+[A-Z][\w'-]+|\s+et al\.)?\s+\(\d{4}\)")
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


def stands_alone(sentence: str) -> bool:
    """Whether ``sentence`` keeps its meaning when shown without the rest of the answer: not when
    it opens by pointing back at the question ("That was the original motivation ...", which,
    shown alone under "Does BatchNorm work because ...?", reads as yes)."""
    return _POINTS_BACK.match(sentence.strip()) is None


def option_text(back: str) -> str | None:
    """How a card's answer appears as a choice: its first sentence, in full (it wraps on screen;
    a learner must never judge a cut formula). When that sentence does not stand alone, the whole
    answer if it is short enough for a choice, else None: the card cannot be a choice."""
    sentence = first_sentence(back)
    if not stands_alone(sentence):
        sentence = joined(blocks(back))
        if len(sentence) > WHOLE_ANSWER_MAX_CHARS:
            return None
    return " ".join(sentence.split())


def one_line(text: str) -> str:
    """A prompt or answer on one line (matching questions list five of each), never cut."""
    return " ".join(plain(text).split())


def answer_keys(back: str, front: str = "") -> list[str]:
    """The forms of an answer a learner might reasonably type, shortest first.

    "$\\sqrt{2/n}$: the factor 2 makes up ..." accepts "√(2/n)" (the head before a colon), the
    first clause, the first sentence and the whole answer. A head that only labels what follows
    ("Cause:", "For w > 0:", "Smith & Topin (2019):", or the question's own word) is no answer.
    Backs that open with a list or a table accept only whole blocks: "LeCun" alone does not
    answer a table of three schemes.
    """
    parts = _blocks(back)
    keys = [joined(text for _kind, text in parts), first_sentence(back)]
    if not stands_alone(keys[1]) or _CITATION.fullmatch(keys[1].strip().rstrip(".")):
        keys = keys[:1]  # only the whole answer keeps its meaning ("Smith (2019)." is none)
    elif parts and parts[0][0] == "paragraph":
        # the first sentence proper ("Only in training."), even when a very short one was
        # joined with the next for display
        sentence = _SENTENCE_END.split(keys[1])[0]
        if not _is_label(sentence.rstrip("."), front):
            keys.append(sentence)
        head = sentence.split(":", 1)[0]
        if head != sentence and not _is_label(head, front):
            keys.append(head)  # "answer: why" is how many backs are written
        for separator in (";", " - ", ", "):
            head = sentence.split(separator, 1)[0]
            # "L1" alone is not "L1 is LASSO"; "He (2015" is no answer at all.
            if (head != sentence and len(head.split()) >= 3 and head.count("(") == head.count(")")
                    and ":" not in head and not _is_label(head, front)):
                keys.append(head)
    unique: list[str] = []
    seen: set[str] = set()
    for key in sorted(keys, key=len):
        norm = normalize(key)
        if norm and norm not in seen:
            seen.add(norm)
            unique.append(key)
    return unique


def _is_label(head: str, front: str) -> bool:
    """Whether the text before a colon names what follows rather than answering: a condition or
    case ("If ...", "For w > 0", "Too small"), a citation, or the question's own word."""
    words = head.split()
    front_words = normalize(front).split()
    start = _LABEL_START.match(head)
    # "With running estimates ...:" does answer "What does it normalize with ...?"
    if start and start.group(0).casefold() not in front_words:
        return True
    if not words or _CITATION.fullmatch(head.strip().rstrip(".")):
        return True
    if _DERIVATION.match(front):  # "Show that ...": a head is a step, not the answer
        return True
    case = _CASE.fullmatch(head.strip())
    if case and normalize(case.group(1)) in front_words:  # "λ = 0:" when the question is about λ
        return True
    if len(words) == 1:  # "Cause:" under "What causes ...?"
        word = normalize(head)
        return any(w == word or (len(word) >= 5 and w[:5] == word[:5]) for w in front_words)
    return False


def normalize(text: str) -> str:
    """Comparison form: case, accents' composition, dashes, quotes, emphasis and most punctuation
    ignored; maths symbols (+ - * / ^ = parentheses) and decimal points kept, since "1/(1-p)" and
    "1/(1+p)" are different answers."""
    return fold(plain(text))


def fold(text: str) -> str:
    """:func:`normalize` for text that is plain already (no Markdown, no LaTeX)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_DASHES)
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
