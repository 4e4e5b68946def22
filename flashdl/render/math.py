"""Make the LaTeX math in card text readable in a terminal, as Unicode.

Card backs are Markdown with LaTeX math (``$\\lambda\\sum_i w_i^2$``). A terminal cannot typeset
LaTeX, but Unicode gets close: pylatexenc turns macros into symbols (``\\lambda`` -> λ), and this
module adds what it leaves out: sub- and superscripts (``w_i^2`` -> wᵢ², ``x_{t+1}`` -> xₜ₊₁),
fractions that keep their meaning (``\\frac{1}{1-p}`` -> 1/(1-p), where plain pylatexenc writes
the wrong 1/1-p) and norm bars.

Math spans are ``$...$`` and ``$$...$$`` (the built-in decks, Markdown decks) and MathJax's
``\\(...\\)`` and ``\\[...\\]`` (what Anki decks use). Only math spans are touched; everything else
in the text is returned exactly as it was. Dollar spans follow Pandoc's rule so prices stay
prices: ``$`` must be followed by a non-space, the closing ``$`` preceded by one and not followed
by a digit. ``\\$`` is a literal dollar, and nothing inside code spans or fenced code blocks is
converted.

An expression that cannot be read faithfully (a macro or environment pylatexenc does not know,
such as ``\\xrightarrow`` or a deck's own ``\\newcommand``) is shown as its LaTeX source,
backslashes and all, rather than with parts silently dropped.

Pure: no Textual, no store.
"""

from __future__ import annotations

import functools
import re
import string
from typing import Any

#: pylatexenc converts a braced group's contents; these mark where a ``_{...}``/``^{...}`` group
#: was, so it can be turned into sub/superscripts once its contents are text.
_OPEN, _CLOSE = "\x02", "\x03"

SUPERSCRIPTS = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyzTβγδθφχι⊤*′",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀᵝᵞᵟᶿᵠᵡᶥᵀ*′",
        strict=True,
    )
)
SUBSCRIPTS = dict(
    zip(
        "0123456789+-−=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)

#: A fraction's numerator or denominator needs brackets once it holds more than one term.
_NEEDS_BRACKETS = re.compile(r"[\s+\-−±∓=<>≤≥≈/]")

_GROUP = re.compile(f"([_^]?){_OPEN}([^{_OPEN}{_CLOSE}]*){_CLOSE}")
_SINGLE_SCRIPT = re.compile(f"([_^])([^\\s{_OPEN}{_CLOSE}_^])")

# One pass over Markdown: code is copied untouched, escapes are kept, math is converted.
_TOKENS = re.compile(
    r"(?P<fence>^[ ]{0,3}(?P<mark>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=mark)[`~]*[ \t]*$|\Z))"
    r"|(?P<code>(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<paren>\\\((?P<paren_body>.+?)\\\))"
    r"|(?P<bracket>\\\[(?P<bracket_body>.+?)\\\])"
    r"|(?P<escape>\\.)"
    r"|(?P<display>\$\$(?P<display_body>.+?)\$\$)"
    r"|(?P<inline>\$(?=\S)(?P<inline_body>(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?)(?<=\S)\$(?!\d))",
    re.MULTILINE | re.DOTALL,
)


def _script(text: str, table: dict[str, str], marker: str, grouped: bool) -> str:
    """``text`` as sub/superscript characters, or ``marker`` + text when a character has none."""
    compact = text.strip()
    if compact and all(ch in table or ch == " " for ch in compact):
        return "".join(table.get(ch, "") for ch in compact)
    if grouped and len(compact) > 1:
        return f"{marker}({compact})"
    return marker + compact


def _apply_scripts(text: str) -> str:
    def single(match: re.Match[str]) -> str:
        marker, ch = match.groups()
        table = SUBSCRIPTS if marker == "_" else SUPERSCRIPTS
        return table.get(ch, match.group(0))

    text = _SINGLE_SCRIPT.sub(single, text)

    def group(match: re.Match[str]) -> str:
        marker, body = match.groups()
        if not marker:
            return body
        table = SUBSCRIPTS if marker == "_" else SUPERSCRIPTS
        return _script(body, table, marker, grouped=True)

    previous = None
    while previous != text:
        previous, text = text, _GROUP.sub(group, text)
    return text.replace(_OPEN, "").replace(_CLOSE, "")


#: Operators written before their operand; ``\partial L`` reads as ∂L, one term, not two.
_PREFIX_SPACE = re.compile(r"(?<=[∂∇√∑∏∫Δδ])\s+")


def _bracketed(text: str) -> str:
    text = _PREFIX_SPACE.sub("", text.strip())
    plain = text.replace(_OPEN, "").replace(_CLOSE, "")
    return f"({text})" if _NEEDS_BRACKETS.search(plain) else text


_OPERATOR_NAMES = (
    "log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan",
    "arg", "det", "dim", "lim", "liminf", "limsup", "sup", "inf", "Pr", "gcd", "ker", "deg", "lg",
)
_SILENT_MACROS = (
    "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "big", "Big", "bigg",
    "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "middle",
)


_SPACES = re.compile(r"  +")
_FRAC_VARIANTS = re.compile(r"\\[dt]frac(?![A-Za-z])")


class _Unreadable(Exception):
    """The expression uses LaTeX that has no faithful Unicode reading here."""


@functools.cache
def _converter() -> Any:
    """A pylatexenc converter that marks groups and writes fractions and norms properly."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    class UnicodeMath(LatexNodes2Text):  # type: ignore[misc]
        def group_node_to_text(self, node: Any) -> str:
            contents = self._groupnodecontents_to_text(node)
            source = node.parsing_state.s[: node.pos].rstrip()
            if source.endswith(("_", "^")):
                return _OPEN + contents + _CLOSE
            return contents

        def macro_node_to_text(self, node: Any) -> str:
            if self.latex_context.get_macro_spec(node.macroname) is None:
                raise _Unreadable(node.macroname)
            return super().macro_node_to_text(node)

        def environment_node_to_text(self, node: Any) -> str:
            if self.latex_context.get_environment_spec(node.environmentname) is None:
                raise _Unreadable(node.environmentname)
            return super().environment_node_to_text(node)

    def fraction(node: Any, l2tobj: Any) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        if len(args) < 2 or args[0] is None or args[1] is None:
            return "/"
        top = l2tobj._groupnodecontents_to_text(args[0])
        bottom = l2tobj._groupnodecontents_to_text(args[1])
        return f"{_bracketed(top)}/{_bracketed(bottom)}"

    def overline(node: Any, l2tobj: Any) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        if not args or args[0] is None:
            return ""
        body = l2tobj._groupnodecontents_to_text(args[0])
        return "".join(ch + "\u0305" if not ch.isspace() else ch for ch in body)

    def operator(node: Any, l2tobj: Any) -> str:
        """``\\log x`` -> "log x": a space before an operand that is a letter or a macro."""
        after = node.parsing_state.s[node.pos + node.len:].lstrip()
        spaced = bool(after) and (after[0].isalnum() or after[0] == "\\")
        return node.macroname + (" " if spaced else "")

    context = get_default_latex_context_db().filter_context()
    context.add_context_category(
        "flashdl-math",
        prepend=True,
        macros=[
            MacroTextSpec("frac", simplify_repl=fraction),
            MacroTextSpec("dfrac", simplify_repl=fraction),
            MacroTextSpec("tfrac", simplify_repl=fraction),
            MacroTextSpec("|", simplify_repl="‖"),
            MacroTextSpec("lVert", simplify_repl="‖"),
            MacroTextSpec("rVert", simplify_repl="‖"),
            MacroTextSpec("Vert", simplify_repl="‖"),
            MacroTextSpec("lvert", simplify_repl="|"),
            MacroTextSpec("rvert", simplify_repl="|"),
            MacroTextSpec("overline", simplify_repl=overline),
            # operator names MathJax typesets upright, and sizing/style switches with no text
            *(MacroTextSpec(name, simplify_repl=operator) for name in _OPERATOR_NAMES),
            *(MacroTextSpec(name, simplify_repl="") for name in _SILENT_MACROS),
        ],
    )
    return UnicodeMath(
        latex_context=context, math_mode="text", strict_latex_spaces="based-on-source"
    )


@functools.lru_cache(maxsize=2048)
def latex_to_unicode(latex: str) -> str:
    """The Unicode reading of one LaTeX math expression (without its ``$`` delimiters).

    Never raises: an expression pylatexenc cannot read, or that uses a macro or environment it
    does not know, comes back as its source.
    """
    try:
        # pylatexenc's parser knows \\frac takes two arguments, not its display/text variants
        text = _converter().latex_to_text(_FRAC_VARIANTS.sub(r"\\frac", latex))
    except Exception:  # noqa: BLE001 - a card must always display, even with broken LaTeX
        return latex.strip()
    return _SPACES.sub(" ", _apply_scripts(text)).strip()


def escape_markdown(text: str) -> str:
    """Backslash-escape ASCII punctuation, so converted math is shown as written, never parsed
    as Markdown (a ``*`` from ``x^*`` must not start emphasis)."""
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in text)


#: Code, fences, escapes and math spans in one pass: the card renderers and the exporter split
#: text with it, so all of them agree on what is math (see :func:`math_span`).
MATH_SPANS = _TOKENS


def math_span(match: re.Match[str]) -> tuple[str, bool] | None:
    """(LaTeX, whether it is display math) for a :data:`MATH_SPANS` match; None for code, a
    fence or an escape, which are not math."""
    for group, display in (("inline_body", False), ("paren_body", False),
                           ("display_body", True), ("bracket_body", True)):
        body = match.group(group)
        if body is not None:
            return body, display
    return None


def render_math(text: str, *, markdown: bool = True) -> str:
    """Replace every math span in ``text`` (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``)
    with its Unicode reading.

    With ``markdown=True`` (the text will be rendered as Markdown) the converted math is escaped
    so Markdown shows it literally; with ``markdown=False`` it is inserted as plain text.
    """
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        span = math_span(match)
        if span is None:  # code, a fence or an escape: as it was
            return match.group(0)
        converted = latex_to_unicode(span[0])
        return escape_markdown(converted) if markdown else converted

    return _TOKENS.sub(replace, text)
