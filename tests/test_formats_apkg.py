"""Anki packages written by genanki and by Anki itself (legacy and current zstd format)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from fixtures.import_kit import (
    CAT_PNG,
    build_anki_package,
    build_genanki_package,
    current_format_package,
    zip_bytes,
)

from flashdl.formats.anki_collection import AnkiCard, anki_schedule
from flashdl.formats.anki_notes import NoteType, render_card
from flashdl.formats.apkg import read_apkg, safe_media_name
from flashdl.formats.load import ReadOptions, read_deck_file
from flashdl.formats.records import FormatError

EXPECTED = {
    "vocab-french": [
        ("guid-basic-1", "le chat", "the **cat**", {"french", "animals"}, "basic"),
        ("guid-rev-1", "le chien", "the dog", {"french"}, "basic"),
        ("guid-rev-1-2", "the dog", "le chien", {"french"}, "basic"),
    ],
    "dl-basics": [
        ("guid-cloze-1-c1", "[...] zeroes units with probability p",
         "**Dropout** zeroes units with probability p\\\nSrivastava 2014", {"dl"}, "cloze"),
        ("guid-cloze-1-c2", "Dropout zeroes units with probability [a symbol]",
         "Dropout zeroes units with probability **p**\\\nSrivastava 2014", {"dl"}, "cloze"),
        ("guid-media-1", f"What is this? ![]({safe_media_name('cat.png', CAT_PNG)})",
         "A cat picture", set(), "basic"),
        ("guid-missing-media", "Play it [sound:missing.mp3]", "A sound that is not packaged",
         set(), "basic"),
    ],
}


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("apkg")
    built = {"genanki": build_genanki_package(folder / "genanki.apkg", folder / "genanki-media")}
    try:
        import anki  # noqa: F401
    except ImportError:
        return built
    built["anki-current"] = build_anki_package(folder / "current.apkg", folder / "w1", legacy=False)
    built["anki-legacy"] = build_anki_package(folder / "legacy.apkg", folder / "w2", legacy=True)
    built["anki-scheduled"] = build_anki_package(folder / "sched.apkg", folder / "w3", legacy=False,
                                                 scheduled=True)
    return built


@pytest.mark.parametrize("maker", ["genanki", "anki-current", "anki-legacy"])
def test_package_gives_every_card_with_text_tags_kinds_and_keys(packages, maker):
    if maker not in packages:
        pytest.skip("the anki package is not installed")
    parsed = read_deck_file(packages[maker], ReadOptions())
    try:
        got = {
            deck.key: [(c.key, c.front, c.back, set(c.tags), c.kind) for c in deck.cards]
            for deck in parsed.decks
        }
        assert got == EXPECTED
        assert {d.key: d.name for d in parsed.decks} == {
            "vocab-french": "Vocab::French", "dl-basics": "DL Basics",
        }
        [media] = parsed.media
        assert media.original_name == "cat.png"
        assert media.staged.read_bytes() == CAT_PNG
        assert parsed.warnings == [
            f"{packages[maker]}: media 'missing.mp3' is referenced but not in the package; skipped"
        ]
    finally:
        parsed.cleanup()
    assert not media.staged.exists()


def test_current_format_is_read_from_the_zstd_collection(packages):
    if "anki-current" not in packages:
        pytest.skip("the anki package is not installed")
    names = zipfile.ZipFile(packages["anki-current"]).namelist()
    assert {"meta", "collection.anki21b", "collection.anki2"} <= set(names)
    # collection.anki2 in a current package is a stub asking to upgrade Anki: never read it
    parsed = read_deck_file(packages["anki-current"], ReadOptions())
    assert all("Please update" not in c.front for d in parsed.decks for c in d.cards)
    parsed.cleanup()


def test_with_scheduling_carries_ease_interval_and_due(packages):
    if "anki-scheduled" not in packages:
        pytest.skip("the anki package is not installed")
    parsed = read_deck_file(packages["anki-scheduled"], ReadOptions(with_scheduling=True))
    schedules = {c.key: c.schedule for d in parsed.decks for c in d.cards}
    parsed.cleanup()
    review = schedules.pop("guid-basic-1")
    assert (review.ef_hundredths, review.interval, review.lapses, review.repetitions) == (230, 10, 1, 2)
    # Anki's day starts at 4 am: before that, its "today" is the previous calendar day
    assert review.due_offset_days in (3, 4)
    assert set(schedules.values()) == {None}  # new cards stay new


def test_without_with_scheduling_no_schedule_is_read(packages):
    if "anki-scheduled" not in packages:
        pytest.skip("the anki package is not installed")
    parsed = read_deck_file(packages["anki-scheduled"], ReadOptions())
    assert {c.schedule for d in parsed.decks for c in d.cards} == {None}
    parsed.cleanup()


def _card(ctype: int, queue: int = 2, due: int = 10, ivl: int = 0, factor: int = 2500,
          lapses: int = 0) -> AnkiCard:
    return AnkiCard(1, 1, 1, 0, ctype, queue, due, ivl, factor, 5, lapses, "g", 1, (), [])


def test_anki_scheduling_maps_onto_sm2():
    created, today = dt.date(2026, 1, 1), dt.date(2026, 1, 20)
    assert anki_schedule(_card(0), created, today) is None  # new
    assert anki_schedule(_card(1, queue=1), created, today) is None  # still learning
    short = anki_schedule(_card(2, due=25, ivl=3, factor=2650), created, today)
    assert (short.repetitions, short.interval, short.ef_hundredths, short.due_offset_days) == (1, 3, 265, 6)
    long = anki_schedule(_card(2, due=19, ivl=40, factor=1000, lapses=2), created, today)
    assert (long.repetitions, long.ef_hundredths, long.due_offset_days, long.lapses) == (2, 130, 0, 2)
    relearn = anki_schedule(_card(3, queue=3, due=18, ivl=1), created, today)
    assert (relearn.repetitions, relearn.interval, relearn.due_offset_days) == (0, 1, -1)
    absurd = anki_schedule(_card(2, due=10**9, ivl=10**9), created, today)
    assert absurd.interval == 36_500 and absurd.due_offset_days == 36_500


def test_custom_note_type_templates_are_rendered(tmp_path):
    import genanki

    model = genanki.Model(
        1_700_000_001, "Word with example",
        fields=[{"name": "Word"}, {"name": "Meaning"}, {"name": "Example"}],
        templates=[{
            "name": "Recognise", "qfmt": "<div>{{Word}}</div>{{#Example}}<i>{{Example}}</i>{{/Example}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}{{^Example}} (no example){{/Example}}"
                    "{{type:Word}}",
        }, {
            "name": "Produce", "qfmt": "{{Meaning}}", "afmt": "{{FrontSide}}<hr id=answer>{{text:Word}}",
        }],
    )
    deck = genanki.Deck(1_700_000_002, "Custom")
    deck.add_note(genanki.Note(model=model, fields=["<b>ephemeral</b>", "short-lived", ""], guid="w1"))
    deck.add_note(genanki.Note(model=model, fields=["lucid", "clear", "a lucid essay"], guid="w2"))
    path = tmp_path / "custom.apkg"
    genanki.Package(deck).write_to_file(str(path))
    parsed = read_apkg(path.read_bytes(), path)
    cards = [(c.key, c.front, c.back) for c in parsed.decks[0].cards]
    parsed.cleanup()
    assert cards == [
        ("w1", "**ephemeral**", "short-lived (no example)"),
        ("w1-2", "short-lived", "ephemeral"),  # {{text:Word}} drops the bold
        ("w2", "lucid\\\n*a lucid essay*", "clear"),  # a <div> is a line of its own
        ("w2-2", "clear", "lucid"),
    ]


def test_template_renderer_survives_broken_templates():
    broken = NoteType("Broken", ("Front", "Back"), (("{{#Front}}{{Front}}{{/Nope}}{{/Front}}{{", "{{Back"),))
    card = render_card(broken, ["hello", "world"], 0, html_mode=True)
    assert card is not None and card.front.startswith("hello")
    empty = NoteType("Empty", ("Front",), (("{{Unknown}}", "{{Front}}"),))
    assert render_card(empty, ["x"], 0, html_mode=True) is None  # no field used: no card


@pytest.mark.parametrize(
    ("name", "expected_tail"),
    [("cat.png", "-cat.png"), ("../../etc/passwd", "-passwd"), ("a b&c.jpg", "-a_b_c.jpg"),
     (".hidden", "-hidden"), ("日本.png", "-png"), ("C:\\win\\x.gif", "-x.gif")],
)
def test_media_names_are_flat_and_inert(name, expected_tail):
    safe = safe_media_name(name, b"data")
    assert safe.endswith(expected_tail)
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")


def test_meta_announcing_the_current_format_requires_the_zstd_collection(packages, tmp_path):
    legacy_db = zipfile.ZipFile(packages["genanki"]).read("collection.anki2")
    path = tmp_path / "liar.apkg"
    path.write_bytes(zip_bytes({"meta": b"\x08\x03", "collection.anki2": legacy_db}))
    with pytest.raises(FormatError, match="no Anki collection inside"):
        read_deck_file(path, ReadOptions())


def test_current_format_package_built_by_hand_is_read(packages, tmp_path):
    import zstandard

    legacy_db = zipfile.ZipFile(packages["genanki"]).read("collection.anki2")
    path = tmp_path / "current.apkg"
    media = [("cat.png", len(CAT_PNG), zstandard.ZstdCompressor().compress(CAT_PNG))]
    path.write_bytes(current_format_package(legacy_db, media))
    parsed = read_deck_file(path, ReadOptions())
    assert [m.staged.read_bytes() for m in parsed.media] == [CAT_PNG]
    assert sum(len(d.cards) for d in parsed.decks) == 7
    parsed.cleanup()


def test_media_inflating_past_its_declared_size_is_refused(packages, tmp_path):
    import zstandard

    legacy_db = zipfile.ZipFile(packages["genanki"]).read("collection.anki2")
    bomb = zstandard.ZstdCompressor().compress(b"\0" * (8 * 1024 * 1024))  # a few hundred bytes
    path = tmp_path / "zstd-bomb.apkg"
    path.write_bytes(current_format_package(legacy_db, [("cat.png", len(CAT_PNG), bomb)]))
    with pytest.raises(FormatError, match="member '0'.*more than"):
        read_deck_file(path, ReadOptions())


def test_collection_inflating_past_the_ratio_cap_is_refused(tmp_path, monkeypatch):
    import zstandard

    from flashdl.formats import safe_zip

    monkeypatch.setattr(safe_zip, "ZSTD_FLOOR", 1024 * 1024)
    bomb = zstandard.ZstdCompressor().compress(b"\0" * (4 * 1024 * 1024))
    path = tmp_path / "collection-bomb.apkg"
    path.write_bytes(zip_bytes({"meta": b"\x08\x03", "collection.anki21b": bomb}))
    with pytest.raises(FormatError, match="member 'collection.anki21b': decompresses to more"):
        read_deck_file(path, ReadOptions())


def test_every_member_read_is_capped(tmp_path):
    from flashdl.formats.safe_zip import SafeZip

    data = zip_bytes({"a": b"x" * 1000}, compression=zipfile.ZIP_DEFLATED)
    archive = SafeZip(data, tmp_path / "a.apkg")
    with pytest.raises(FormatError, match="more than it declares"):
        archive.read("a", limit=10)
    with pytest.raises(FormatError, match="would inflate"):
        SafeZip(data, tmp_path / "a.apkg", max_total=999)
    assert io.BytesIO(archive.read("a", limit=1000)).read() == b"x" * 1000
