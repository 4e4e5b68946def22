"""Import a generated 100,000-row TSV into an empty store (target: <= 2 s).

Prints the in-process figure (parse + one-transaction merge + commit, the work ``flashdl import``
does after start-up; best of three fresh stores), its split into parsing and writing, the re-import (all cards unchanged),
and the wall time of the real command in a subprocess, start-up included.

Run alone: ``.venv/bin/python bench/bench_import.py`` (uses a temporary FLASHDL_HOME).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 100_000
TARGET_S = 2.0
#: best of several fresh imports: the figure is the machine's, not whatever else was running
REPEATS = 3


def generate(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("#separator:tab\n#html:false\n#deck:Bench Vocabulary\n")
        for i in range(rows):
            out.write(f"term {i}: what is the meaning of word number {i}?\t"
                      f"definition {i}, with a comma and some more words to make it realistic\n")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="flashdl-bench-import-") as tmp:
        home = Path(tmp)
        os.environ["FLASHDL_HOME"] = str(home / "home")
        os.environ.pop("FLASHDL_DB", None)
        source = home / "bench.tsv"
        generate(source, ROWS)

        from flashdl.formats.load import ReadOptions, read_deck_file
        from flashdl.store import open_store
        from flashdl.store.importer import ImportOptions, import_paths

        start = time.perf_counter()
        parsed = read_deck_file(source, ReadOptions())
        parse_s = time.perf_counter() - start
        assert parsed.card_count == ROWS, parsed.card_count

        today = dt.date.today()
        runs: list[tuple[float, float]] = []
        for run in range(REPEATS):
            os.environ["FLASHDL_HOME"] = str(home / f"home-{run}")
            with open_store() as store:
                wall, cpu = time.perf_counter(), time.process_time()
                report = import_paths(store, [source], ImportOptions(), today=today)
                runs.append((time.perf_counter() - wall, time.process_time() - cpu))
                assert report.total("added") == ROWS, report.total("added")
                if run == 0:
                    start = time.perf_counter()
                    again = import_paths(store, [source], ImportOptions(), today=today)
                    reimport_s = time.perf_counter() - start
                    assert again.total("unchanged") == ROWS and again.total("added") == 0
        total_s, cpu_s = min(runs)

        cli_home = home / "cli-home"
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "flashdl", "import", str(source)],
            env={**os.environ, "FLASHDL_HOME": str(cli_home)}, capture_output=True, text=True,
        )
        cli_s = time.perf_counter() - start
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1

    print(f"import of a {ROWS:,}-row TSV into an empty store: {total_s:.2f} s "
          f"(best of {REPEATS}; CPU {cpu_s:.2f} s; target <= {TARGET_S:.1f} s) "
          f"{'OK' if total_s <= TARGET_S else 'OVER TARGET'}")
    print(f"  all runs: {', '.join(f'{wall:.2f}' for wall, _ in runs)} s")
    print(f"  parsing alone: {parse_s:.2f} s; writing: ~{total_s - parse_s:.2f} s")
    print(f"  re-import of the same file (all unchanged): {reimport_s:.2f} s")
    print(f"  `flashdl import` command, wall time incl. start-up and built-in decks: {cli_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
