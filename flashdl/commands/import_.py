"""``flashdl import``: bring decks in from other applications (Anki, Quizlet/Knowt, CSV, Markdown,
TOML). All files of one call go into the store in one transaction, or not at all."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashdl.store.importer import ImportReport


def register(subparsers: Any) -> None:
    from flashdl.formats.names import FORMATS

    parser = subparsers.add_parser(
        "import",
        help="import decks (TOML, CSV/TSV, Quizlet, Markdown, Anki .apkg)",
        description="Import decks. Re-importing a file updates its cards and keeps their "
        "history; every file of one call is imported in one transaction.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files to import")
    parser.add_argument("--deck", metavar="NAME", help="put every card into the deck NAME")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="auto",
                        help="file format (default: detected from content and extension)")
    parser.add_argument("--dry-run", action="store_true",
                        help="report what would be added, updated and skipped; change nothing")
    parser.add_argument("--on-duplicate", choices=("update", "skip", "new"), default="update",
                        help="a card already in the deck: update it (default), skip it, or add "
                        "it again as a new card")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="leave invalid records out (and list them) instead of stopping")
    parser.add_argument("--with-scheduling", action="store_true",
                        help="carry Anki's ease, interval and due date over (cards without "
                        "flashdl history only) and import its review history (revlog), once")
    parser.add_argument("--sep", metavar="SEP",
                        help="Quizlet/Knowt: separator between term and definition (default: tab)")
    parser.add_argument("--row-sep", metavar="SEP",
                        help=r"Quizlet/Knowt: separator between rows (default: newline; \n, \t ok)")
    parser.set_defaults(func=run)


def _progress_factory() -> Callable[[int], tuple[Callable[[int], None], Callable[[], None]]] | None:
    """A rich progress bar on stderr, only when stderr is a terminal."""
    from flashdl.commands.common import progress_factory

    return progress_factory("importing")


def format_report(report: ImportReport) -> str:
    lines = []
    verb = "would be" if report.dry_run else ""
    for deck in report.decks:
        fields = ["added", "updated", "unchanged"]
        if deck.skipped:
            fields.append("skipped")
        counts = ", ".join(
            f"{getattr(deck, field)} {verb + ' ' if verb else ''}{field}"
            + (" (already in the deck)" if field == "skipped" else "")
            for field in fields
        )
        status = " (new deck)" if deck.new_deck else ""
        sources = ", ".join(deck.sources)
        lines.append(f"{deck.key}{status}: {counts}  [{sources}]")
        if deck.scheduled:
            lines.append(f"  {deck.scheduled} card(s) {verb or 'were'} scheduled from the file")
        if deck.answers_imported or deck.answers_known:
            known = f" ({deck.answers_known} already imported before)" if deck.answers_known else ""
            lines.append(f"  {deck.answers_imported} answer(s) of review history "
                         f"{verb or 'were'} imported{known}")
    if report.invalid:
        left = "would leave out" if report.dry_run else "left out"
        lines.append(f"{left} {len(report.invalid)} invalid record(s) (--skip-invalid):")
        lines += [f"  {error}" for error in report.invalid[:50]]
        if len(report.invalid) > 50:
            lines.append(f"  ... and {len(report.invalid) - 50} more")
    lines += [f"warning: {warning}" for warning in report.warnings[:50]]
    if len(report.warnings) > 50:
        lines.append(f"warning: ... and {len(report.warnings) - 50} more")
    if report.media_copied:
        lines.append(f"copied {report.media_copied} media file(s)")
    if report.backup:
        lines.append(f"backup before import: {report.backup}")
    if report.dry_run:
        lines.append("dry run: nothing was changed")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from flashdl.commands.common import open_synced_store, terminate_cleanly, today
    from flashdl.config import load_settings
    from flashdl.formats.text_input import unescape_separator
    from flashdl.store.importer import ImportOptions, import_paths

    settings = load_settings()
    options = ImportOptions(
        deck_name=args.deck,
        fmt=args.fmt,
        dry_run=args.dry_run,
        on_duplicate=args.on_duplicate,
        skip_invalid=args.skip_invalid,
        with_scheduling=args.with_scheduling,
        sep=unescape_separator(args.sep) if args.sep else None,
        row_sep=unescape_separator(args.row_sep) if args.row_sep else None,
    )
    with terminate_cleanly(), open_synced_store(args) as store:
        report = import_paths(
            store, [Path(p) for p in args.paths], options, today=today(),
            max_bytes=settings.import_max_bytes, progress_factory=_progress_factory(),
        )
    print(format_report(report))
    return 0
