"""Deck file formats: parsers and writers that turn files into neutral card records and back.

Pure: no database, no UI. Nothing is imported here, so that naming a format (``names``) costs
nothing at start-up; import ``flashdl.formats.records`` for the record types.
"""
