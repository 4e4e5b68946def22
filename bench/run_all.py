"""`make bench`: run every bench/bench_*.py script in turn and print its figures.

Benchmarks are scripts, never timed tests: they print numbers for the README and the issue notes.
Run one alone with `.venv/bin/python bench/bench_store.py`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="flashdl-bench-") as home:
            env_home = {"FLASHDL_HOME": home}
            import os

            result = subprocess.run(
                [sys.executable, str(script)], env={**os.environ, **env_home}, cwd=HERE.parent
            )
        print(f"--- {script.name}: {time.perf_counter() - start:.1f} s", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
