"""The one rendering path: cost of showing a card, and of converting Anki HTML on import.

- ``screen_markdown`` runs on every card the study screen shows (before Textual lays it out);
- ``plain_text`` runs for the quiz, the CLI and JSON output;
- ``html_to_markdown`` runs once per field at import (markdownify; html2text for comparison);
- reading a generated 2,000-note ``.apkg`` of typical Anki HTML (genanki), parse only.

Figures are per call, uncached (the functions cache their results; a cache hit costs nothing).
Run alone: ``.venv/bin/python bench/bench_render.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
NOTES = 2_000


def per_call(function, items, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, (time.perf_counter() - start) / len(items))
    return best * 1e6


def main() -> int:
    from fixtures.anki_html import CORPUS

    from flashdl.formats.html_text import html_to_markdown
    from flashdl.render.card import plain_text, screen_markdown

    texts = []
    for path in sorted((HERE.parent / "decks").glob("*.toml")):
        for card in tomllib.loads(path.read_text(encoding="utf-8"))["cards"]:
            texts += [card["front"], card["back"]]
    html = [field for front, back, _, _ in CORPUS.values() for field in (front, back)]
    imported = [html_to_markdown(field) for field in html]
    print(f"screen_markdown: {per_call(screen_markdown.__wrapped__, texts):6.1f} µs per text "
          f"(built-in decks, {len(texts)} texts)")
    print(f"screen_markdown: {per_call(screen_markdown.__wrapped__, imported):6.1f} µs per text "
          f"(imported Anki corpus)")
    print(f"plain_text:      {per_call(plain_text.__wrapped__, texts):6.1f} µs per text (built-in)")
    print(f"plain_text:      {per_call(plain_text.__wrapped__, imported):6.1f} µs per text (corpus)")
    print(f"html_to_markdown (markdownify): {per_call(html_to_markdown, html):6.1f} µs per field")
    try:
        import html2text

        def with_html2text(field: str) -> str:
            converter = html2text.HTML2Text()
            converter.body_width = 0
            return converter.handle(field)

        print(f"html2text, for comparison:      {per_call(with_html2text, html):6.1f} µs per field")
    except ImportError:
        pass

    import genanki

    from flashdl.formats.load import ReadOptions, read_deck_file

    fields = list(CORPUS.values())
    deck = genanki.Deck(2_100_000_009, "Bench::Anki HTML")
    for index in range(NOTES):
        front, back, _, _ = fields[index % len(fields)]
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[f"{front} #{index}", back],
                                   guid=f"bench-{index}"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.apkg"
        genanki.Package(deck).write_to_file(str(path))
        start = time.perf_counter()
        parsed = read_deck_file(path, ReadOptions())
        elapsed = time.perf_counter() - start
        parsed.cleanup()
    print(f"read a {NOTES:,}-note .apkg of Anki HTML: {elapsed:.2f} s "
          f"({elapsed / NOTES * 1e3:.2f} ms per note)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
