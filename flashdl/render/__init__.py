"""Turning card text into something a terminal can show. Pure: no Textual, no store."""
