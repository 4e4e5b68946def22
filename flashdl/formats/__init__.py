"""Deck file formats: parsers and writers that turn files into neutral card records and back.

Pure: no database, no UI.
"""

from flashdl.formats.records import CardRecord, DeckRecord, FormatError

__all__ = ["CardRecord", "DeckRecord", "FormatError"]
