"""``flashdl export``: take decks out as TOML (lossless, flashdl's own format), CSV in Anki's text
format, or an Anki package."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

EXPORT_FORMATS = ("toml", "csv", "apkg")
_BY_SUFFIX = {".toml": "toml", ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".apkg": "apkg"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export decks to TOML, CSV or Anki",
        description="Export decks. TOML re-imports to an identical deck; CSV and .apkg are for "
        "Anki and spreadsheets (demonstrate cards export their text).",
    )
    parser.add_argument("decks", nargs="+", metavar="DECK", help="deck ids or names")
    parser.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS,
                        help="output format (default: from the extension of -o)")
    parser.add_argument("-o", "--output", required=True, metavar="PATH",
                        help="output file (several decks go into one CSV or .apkg file; as TOML, "
                        "give a folder: an existing one, or a path ending in / or without an "
                        "extension)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite files that already exist")
    parser.add_argument("--with-scheduling", action="store_true",
                        help=".apkg only: carry each card's interval, ease and due date")
    parser.set_defaults(func=run)


def _format(args: argparse.Namespace, output: Path) -> str:
    from flashdl.errors import UsageError

    if args.fmt:
        return args.fmt
    if output.is_dir() or args.output.endswith(("/", "\\")):
        return "toml"
    fmt = _BY_SUFFIX.get(output.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot tell the format from {output.name!r}",
                         hint="pass --format toml, csv or apkg")
    return fmt


def _write_text(path: Path, text: str) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of it."""
    import os

    from flashdl.errors import UsageError
    from flashdl.store.backup import discard

    partial = path.with_name(path.name + ".partial")
    try:
        discard(partial)  # a leftover of a killed export; "x" below never follows a link
        with open(partial, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(partial, path)
    except OSError as exc:
        discard(partial)  # never raises, even on a read-only file system
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc


def refuse_non_regular(target: Path, force: bool) -> None:
    """An existing ``target`` may be replaced only if it is a regular file and --force is given.
    A device (``/dev/null``), a FIFO, a socket or a symbolic link is never replaced. Checked
    with ``lstat`` before anything is opened for writing."""
    import os
    import stat

    from flashdl.errors import UsageError

    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot use {target}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(mode):
        raise UsageError(f"{target} is a folder", hint="give a file name, e.g. -o decks.csv")
    if not stat.S_ISREG(mode):
        kind = ("a symbolic link" if stat.S_ISLNK(mode) else "a FIFO (named pipe)"
                if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file")
        raise UsageError(f"{target} is {kind}; export writes only regular files, even with --force",
                         hint="give the path of a new or regular file")
    if not force:
        raise UsageError(f"{target} already exists", hint="pass --force to overwrite it")


def _check_targets(folder: Path, targets: list[Path], *, as_folder: bool, force: bool) -> None:
    """Refuse a missing parent folder and, without --force, files that already exist."""
    from flashdl.errors import UsageError

    parent = folder.parent if as_folder else folder
    if not parent.is_dir():
        raise UsageError(f"folder {parent} does not exist", hint="create it first, or pick another -o")
    if as_folder and folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder",
                         hint="give a folder for one TOML file per deck")
    for target in targets:
        refuse_non_regular(target, force)


def run(args: argparse.Namespace) -> int:
    from flashdl.commands.common import open_synced_store, today
    from flashdl.errors import UsageError
    from flashdl.store.export import load_deck_records
    from flashdl.store.queries import resolve_decks

    if not args.output.strip():
        raise UsageError("-o needs a file name (it is empty)",
                         hint="e.g. -o decks.csv, -o deck.apkg or -o decks/ for TOML files")
    output = Path(args.output)
    fmt = _format(args, output)
    if args.with_scheduling and fmt != "apkg":
        raise UsageError("--with-scheduling only applies to --format apkg",
                         hint="TOML and CSV decks carry no scheduling")
    with open_synced_store(args) as store, store.read() as session:
        keys = resolve_decks(session, args.decks)
        decks = load_deck_records(session, keys, today=today(),
                                  with_scheduling=args.with_scheduling)
    cards = sum(len(deck.cards) for deck in decks)
    as_folder = fmt == "toml" and (
        output.is_dir() or args.output.endswith(("/", "\\")) or not output.suffix
    )
    if fmt == "toml" and not as_folder and len(decks) > 1:
        raise UsageError(
            f"{len(decks)} decks cannot go into one TOML file ({output.name})",
            hint="give a folder (e.g. -o decks/) for one TOML file per deck, or use .csv or .apkg",
        )
    targets = [output / f"{deck.key}.toml" for deck in decks] if as_folder else [output]
    _check_targets(output if as_folder else output.parent, targets, as_folder=as_folder,
                   force=args.force)
    written: list[Path] = []
    if fmt == "toml":
        from flashdl.formats.toml_deck import write_toml_deck

        if as_folder:
            try:
                output.mkdir(exist_ok=True)
            except OSError as exc:
                raise UsageError(f"cannot create {output}: {exc.strerror or exc}") from exc
        for deck, target in zip(decks, targets, strict=True):
            _write_text(target, write_toml_deck(deck))
            written.append(target)
    elif fmt == "csv":
        from flashdl.formats.csv_export import write_anki_csv

        separator = "\t" if output.suffix.lower() in (".tsv", ".txt") else ","
        _write_text(output, write_anki_csv(decks, separator=separator))
        written.append(output)
    else:
        from flashdl.formats.apkg_export import write_apkg

        try:
            from flashdl import config

            write_apkg(decks, output, today=today(), media_dir=config.media_dir())
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
        written.append(output)
    print(f"exported {cards} card(s) from {len(decks)} deck(s) to "
          + ", ".join(str(p) for p in written))
    return 0
