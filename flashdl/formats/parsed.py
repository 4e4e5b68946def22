"""What reading one file gives: decks, the records left out, warnings, and media to copy.

``--skip-invalid`` is implemented once, here: parsers hand every bad record to a
:class:`RecordErrors`, which raises it (the default: the whole import stops, naming the record) or
keeps it for the report.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from flashdl.formats.records import DeckRecord, FormatError


@dataclasses.dataclass(frozen=True)
class MediaFile:
    """A media file staged in a temporary folder, to be copied into the media folder on success."""

    original_name: str
    safe_name: str
    staged: Path


class RecordErrors:
    """Raise invalid records, or collect them when the user asked for ``--skip-invalid``."""

    def __init__(self, skip_invalid: bool) -> None:
        self.skip_invalid = skip_invalid
        self.skipped: list[FormatError] = []

    def reject(self, error: FormatError) -> None:
        if not self.skip_invalid:
            raise error
        self.skipped.append(error)


@dataclasses.dataclass
class ParsedFile:
    path: Path
    format: str
    decks: list[DeckRecord]
    skipped: list[FormatError] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    media: list[MediaFile] = dataclasses.field(default_factory=list)
    staging: tempfile.TemporaryDirectory[str] | None = None

    @property
    def card_count(self) -> int:
        return sum(len(deck.cards) for deck in self.decks)

    def cleanup(self) -> None:
        if self.staging is not None:
            self.staging.cleanup()
            self.staging = None


STAGING_PREFIX = "flashdl-import-"
#: A staging folder without a live owner this old is what a killed import left behind.
STALE_STAGING_SECONDS = 3600
_OWNER = "owner.pid"


def new_staging() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for what an import unpacks (``flashdl-import-*``), after
    removing those that killed imports left behind: their owner process is gone (or, without an
    owner file, they are over an hour old)."""
    prune_stale_staging()
    staging = tempfile.TemporaryDirectory(prefix=STAGING_PREFIX)
    (Path(staging.name) / _OWNER).write_text(str(os.getpid()), encoding="ascii")
    return staging


def prune_stale_staging(folder: Path | None = None) -> list[Path]:
    import shutil
    import time

    folder = folder or Path(tempfile.gettempdir())
    removed = []
    for path in folder.glob(STAGING_PREFIX + "*"):
        try:
            if not path.is_dir() or path.is_symlink() or path.stat().st_uid != os.getuid():
                continue
            owner = path / _OWNER
            if owner.is_file():
                if _alive(int(owner.read_text(encoding="ascii").strip() or 0)):
                    continue
            elif time.time() - path.stat().st_mtime < STALE_STAGING_SECONDS:
                continue
            shutil.rmtree(path)
            removed.append(path)
        except (OSError, ValueError):
            continue  # another import got there first, or not ours to remove
    return removed


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def group_decks(
    cards_by_deck: dict[str, list], names: dict[str, str], path: Path, description: str = ""
) -> list[DeckRecord]:
    """DeckRecords from cards grouped by deck key, refusing a file that yields no card at all."""
    decks = [
        DeckRecord(key=key, name=names[key], description=description, cards=tuple(cards))
        for key, cards in cards_by_deck.items()
        if cards
    ]
    if not decks:
        raise FormatError(path, None, "no cards found in the file")
    return decks
