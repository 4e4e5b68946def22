"""Print each demo's compute time at default parameters (median of several runs).

Not a test: run it by hand or through ``make bench``. The first run of each
demo is discarded (it pays for imports and caches); the budget the engine
aims for is 20 ms per demo at defaults, and the largest parameter settings
are timed too for reference (the aim there is about 200 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashdl.engine import get_demo, list_demos, run_demo  # noqa: E402

BUDGET_MS = 20.0


def largest(name: str) -> dict[str, object]:
    """Every numeric parameter at its upper bound (shapes at max x max)."""
    out: dict[str, object] = {}
    for p in get_demo(name).params:
        if p.kind in ("int", "float"):
            out[p.name] = p.max
        elif p.kind == "shape":
            out[p.name] = (int(p.max), int(p.max))
    return out


def median_ms(name: str, repeats: int, **params: object) -> float:
    run_demo(name, seed=0, **params)  # warm-up
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        run_demo(name, seed=seed, **params)
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per demo (default 7)")
    parser.add_argument("--max", action="store_true", help="also time the largest settings")
    args = parser.parse_args(argv)
    header = f"{'demo':24s} {'default ms':>10s}" + (f" {'largest ms':>11s}" if args.max else "")
    print(header)
    over = []
    for spec in list_demos():
        ms = median_ms(spec.name, args.repeats)
        line = f"{spec.name:24s} {ms:10.2f}"
        if args.max:
            line += (
                f" {median_ms(spec.name, max(1, args.repeats // 3), **largest(spec.name)):11.1f}"
            )
        if ms > BUDGET_MS:
            over.append(spec.name)
            line += "  (over the 20 ms budget)"
        print(line)
    print(f"{len(over)} of {len(list_demos())} demos over {BUDGET_MS:g} ms at defaults")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
