"""Stable identities for imported decks and cards.

Re-importing a file must find the same cards again, so every key is derived from something that
does not change between two exports of the same deck: Anki's note guid, an id column, or (when
there is neither) the card's front. Keys always match the TOML deck id pattern, so any imported
deck can be exported to TOML and read back unchanged.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container

from flashdl.formats.toml_deck import ID_PATTERN

MAX_KEY_LENGTH = 100
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def short_hash(text: str, chars: int = 16) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()[
        :chars
    ]


def slug(name: str, max_length: int = 60) -> str:
    """``"Spanish Verbs::Irregular"`` -> ``"spanish-verbs-irregular"`` ('' if nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = _NON_SLUG.sub("-", ascii_name.lower()).strip("-")
    return text[:max_length].rstrip("-")


def deck_key(name: str) -> str:
    """The deck key for a deck name: its slug, or a digest when the name has no ASCII letters."""
    return slug(name) or f"deck-{short_hash(name.strip(), 10)}"


def key_from_id(raw: str) -> str:
    """A card key for an id from the file (a guid, an id column): kept if already valid."""
    raw = raw.strip()
    if ID_PATTERN.match(raw) and len(raw) <= MAX_KEY_LENGTH - 8:
        return raw
    return f"anki-{short_hash(raw)}"


def key_from_front(front: str) -> str:
    """A card key for a card known only by its front (deck + front identity)."""
    return f"q-{short_hash(' '.join(front.split()))}"


def note_card_key(base: str, ordinal: int, *, cloze: bool) -> str:
    """The key of card ``ordinal`` (0-based) of a note whose key is ``base``.

    The first card of an ordinary note keeps the base key; further templates get ``-2``, ``-3``.
    Cloze cards always get ``-c<number>`` (so adding a cloze to a note in Anki never renames the
    cards it already had), unless the base already ends with that suffix, which is how flashdl
    exports a single cloze card and reads it back under the same key.
    """
    if cloze:
        suffix = f"-c{ordinal + 1}"
        return base if base.endswith(suffix) else base + suffix
    return base if ordinal == 0 else f"{base}-{ordinal + 1}"


def unique_key(key: str, taken: Container[str]) -> str:
    """``key`` if free, else ``key-2``, ``key-3``... (for ``--on-duplicate new``)."""
    if key not in taken:
        return key
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"
