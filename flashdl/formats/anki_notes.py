"""Anki notes to flashdl cards: note types, card templates and cloze deletions.

An Anki *note* holds fields; its *note type* says which cards it makes. Ordinary note types have
one card per template (Basic: one; Basic-and-reversed: two); cloze note types have one card per
cloze number (``{{c1::...}}``, ``{{c2::...}}``). Both the ``.apkg`` reader (which has the real
templates) and the CSV reader (which only has a note type name, so it uses the stock templates)
turn notes into cards here, so the same note gives the same cards and keys either way.

Templates come from untrusted files: the renderer is a flat loop over ``{{...}}`` tags with no
recursion and no code, and it never raises.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Mapping, Sequence

from flashdl.formats.html_text import html_to_markdown, tidy

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_ANSWER_RULE = re.compile(r"<hr[^>]*\bid\s*=\s*[\"']?answer\b[\"']?[^>]*>", re.IGNORECASE)
_MARKUP = re.compile(r"<[^>]*>|&nbsp;|\u200b")
_TAGS = re.compile(r"<[^>]*>")
_RUBY = re.compile(r" ?([^ >\[]+?)\[(.+?)\]")
_MAX_TEMPLATE = 100_000


@dataclasses.dataclass(frozen=True)
class NoteType:
    """What an Anki note type tells us: its fields and, per card, front and back templates."""

    name: str
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]
    is_cloze: bool = False
    #: stock templates are written as plain text ("\n" is a line break, also in HTML mode)
    plain_templates: bool = False

    def cloze_fields(self) -> list[str]:
        names = []
        for qfmt, _ in self.templates:
            for tag in _TAG.findall(qfmt):
                parts = [p.strip() for p in tag.split(":")]
                if len(parts) > 1 and "cloze" in (p.split(" ")[0] for p in parts[:-1]):
                    names.append(parts[-1])
        return names or list(self.fields[:1])


# Stock note types for the CSV reader, with plain-text templates (the text is not HTML there).
_BASIC = (("{{Front}}", "{{Back}}"),)
STOCK_NOTETYPES = {
    "basic": NoteType("Basic", ("Front", "Back"), _BASIC, plain_templates=True),
    "basic (and reversed card)": NoteType(
        "Basic (and reversed card)", ("Front", "Back"), _BASIC + (("{{Back}}", "{{Front}}"),),
        plain_templates=True,
    ),
    "basic (optional reversed card)": NoteType(
        "Basic (optional reversed card)",
        ("Front", "Back", "Add Reverse"),
        _BASIC + (("{{#Add Reverse}}{{Back}}{{/Add Reverse}}", "{{Front}}"),),
        plain_templates=True,
    ),
    "basic (type in the answer)": NoteType(
        "Basic (type in the answer)", ("Front", "Back"), _BASIC, plain_templates=True
    ),
    "cloze": NoteType(
        "Cloze",
        ("Text", "Back Extra"),
        (("{{cloze:Text}}", "{{cloze:Text}}\n{{Back Extra}}"),),
        is_cloze=True,
        plain_templates=True,
    ),
}


def stock_notetype(name: str | None) -> NoteType:
    """The stock note type called ``name`` (Basic for an unknown or missing name)."""
    key = (name or "basic").strip().casefold()
    if key in STOCK_NOTETYPES:
        return STOCK_NOTETYPES[key]
    if "cloze" in key:
        return STOCK_NOTETYPES["cloze"]
    if "reverse" in key:
        return STOCK_NOTETYPES["basic (and reversed card)"]
    return STOCK_NOTETYPES["basic"]


def field_is_empty(value: str) -> bool:
    return not _MARKUP.sub("", value).strip()


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(m.group(1)) for m in CLOZE.finditer(text) if 0 < int(m.group(1)) < 10_000})


def render_cloze(text: str, number: int, *, answer: bool, html_mode: bool) -> str:
    """The field with cloze ``number`` masked (front) or revealed and emphasised (back)."""

    def replace(match: re.Match[str]) -> str:
        content, hint = match.group(2), match.group(3)
        if int(match.group(1)) != number:
            return content
        if not answer:
            return f"[{hint}]" if hint else "[...]"
        return f"<b>{content}</b>" if html_mode else f"**{content}**"

    return CLOZE.sub(replace, text)


def _cloze_only(text: str, number: int) -> str:
    return ", ".join(m.group(2) for m in CLOZE.finditer(text) if int(m.group(1)) == number)


def _ruby(value: str, mode: str) -> str:
    if mode == "kanji":
        return _RUBY.sub(r"\1", value)
    if mode == "kana":
        return _RUBY.sub(r"\2", value)
    return _RUBY.sub(r"\1(\2)", value)


@dataclasses.dataclass
class _Context:
    values: Mapping[str, str]
    cloze_number: int | None
    answer: bool
    html_mode: bool
    used_nonempty_field: bool = False

    def lookup(self, name: str) -> str | None:
        if name in self.values:
            return self.values[name]
        folded = name.casefold()
        for key, value in self.values.items():
            if key.casefold() == folded:
                return value
        return None


def _substitute(tag: str, ctx: _Context) -> str:
    parts = [p.strip() for p in tag.split(":")]
    name, filters = parts[-1], [p.split(" ")[0].casefold() for p in parts[:-1]]
    value = ctx.lookup(name)
    if value is None:
        return ""  # unknown field: Anki shows an error; the card text simply lacks it
    if value and name not in ("FrontSide", "Tags", "Deck", "Subdeck", "Card", "Type"):
        ctx.used_nonempty_field = ctx.used_nonempty_field or not field_is_empty(value)
    if "type" in filters:
        return ""
    for name_of_filter in reversed(filters):
        if name_of_filter == "cloze" and ctx.cloze_number is not None:
            value = render_cloze(
                value, ctx.cloze_number, answer=ctx.answer, html_mode=ctx.html_mode
            )
        elif name_of_filter == "cloze-only" and ctx.cloze_number is not None:
            value = _cloze_only(value, ctx.cloze_number)
        elif name_of_filter == "text" and ctx.html_mode:
            value = html.escape(html.unescape(_TAGS.sub("", value)), quote=False)
        elif name_of_filter in ("kana", "kanji", "furigana"):
            value = _ruby(value, name_of_filter)
    return value


def render_template(template: str, ctx: _Context) -> str:
    """Anki's template language: ``{{Field}}``, ``{{filter:Field}}``, ``{{#F}}..{{/F}}``, ``{{^F}}``."""
    pieces = _TAG.split(template[:_MAX_TEMPLATE])
    out: list[str] = []
    hidden_depth = 0  # > 0 while inside a section that is not shown
    stack: list[bool] = []  # per open section: was it hidden?
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if not hidden_depth:
                out.append(piece)
            continue
        tag = piece.strip()
        if tag[:1] in ("#", "^"):
            value = ctx.lookup(tag[1:].strip())
            present = value is not None and not field_is_empty(value)
            hide = hidden_depth > 0 or (present if tag[0] == "^" else not present)
            stack.append(hide)
            hidden_depth += hide
        elif tag[:1] == "/":
            if stack:
                hidden_depth -= stack.pop()
        elif not hidden_depth:
            out.append(_substitute(tag, ctx))
    return "".join(out)


@dataclasses.dataclass(frozen=True)
class RenderedCard:
    ordinal: int
    front: str
    back: str
    kind: str


def _values(notetype: NoteType, fields: Sequence[str], tags: Sequence[str], deck: str) -> dict:
    values = {name: (fields[i] if i < len(fields) else "") for i, name in enumerate(notetype.fields)}
    values.setdefault("Tags", " ".join(tags))
    values.setdefault("Deck", deck)
    values.setdefault("Subdeck", deck.split("::")[-1])
    values.setdefault("Type", notetype.name)
    return values


def render_card(
    notetype: NoteType,
    fields: Sequence[str],
    ordinal: int,
    *,
    html_mode: bool,
    tags: Sequence[str] = (),
    deck: str = "",
) -> RenderedCard | None:
    """Front and back text of card ``ordinal`` of a note, or None if that card would be empty."""
    values = _values(notetype, fields, tags, deck)
    if notetype.is_cloze:
        qfmt, afmt = notetype.templates[0] if notetype.templates else ("{{cloze:Text}}", "")
        number: int | None = ordinal + 1
    else:
        if ordinal >= len(notetype.templates):
            return None
        qfmt, afmt = notetype.templates[ordinal]
        number = None
        values["Card"] = f"Card {ordinal + 1}"
    if notetype.plain_templates:  # a stock template's line break is a line break in the card
        line_break = "<br>" if html_mode else "\n\n"
        qfmt, afmt = qfmt.replace("\n", line_break), afmt.replace("\n", line_break)
    front_ctx = _Context(values, number, answer=False, html_mode=html_mode)
    front_markup = render_template(qfmt, front_ctx)
    if not notetype.is_cloze and not front_ctx.used_nonempty_field:
        return None
    back_values = dict(values, FrontSide=front_markup)
    back_markup = render_template(afmt, _Context(back_values, number, True, html_mode))
    parts = _ANSWER_RULE.split(back_markup, maxsplit=1)
    if len(parts) == 2:
        back_markup = parts[1]
    elif front_markup and back_markup.startswith(front_markup):
        back_markup = back_markup[len(front_markup):]
    convert = html_to_markdown if html_mode else tidy
    front, back = convert(front_markup), convert(back_markup)
    if not front:
        return None
    return RenderedCard(ordinal, front, back, "cloze" if notetype.is_cloze else "basic")


def note_ordinals(notetype: NoteType, fields: Sequence[str]) -> list[int]:
    """Which cards a note makes (when the file does not list them, as in CSV)."""
    if notetype.is_cloze:
        values = dict(zip(notetype.fields, fields, strict=False))
        text = "".join(values.get(name, "") for name in notetype.cloze_fields())
        return [n - 1 for n in cloze_numbers(text)]
    return list(range(len(notetype.templates)))
