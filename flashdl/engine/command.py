"""``flashdl demo``: list demos, or run one and print it (Rich) or its JSON.

Called by ``flashdl/commands/demo.py``. Every user mistake (unknown demo,
bad ``--set``, out-of-bounds value) becomes one line on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from flashdl.engine.params import DemoError, format_value
from flashdl.engine.registry import all_specs, lookup
from flashdl.engine.registry import run as run_demo

USAGE_ERROR = 2
MAX_WIDTH = 80


def parse_sets(sets: list[str] | None) -> dict[str, Any]:
    """Turn ['p=0.3', 'shape=4x8'] into {'p': '0.3', 'shape': '4x8'} (coercion happens later)."""
    out: dict[str, Any] = {}
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DemoError(f"--set expects KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _console() -> Any:
    from rich.console import Console

    from flashdl.render.terminal import raw

    # Rich's colours are flashdl's own escapes: past the command line's cleaning boundary (a
    # demo's output is computed by the engine, never read from a deck or a file).
    return Console(highlight=False, file=raw(sys.stdout))


def describe(name: str) -> str:
    """Plain-text help for one demo: title, summary and its parameters."""
    spec = lookup(name)
    lines = [f"{spec.name}: {spec.title}", f"  {spec.summary}", "  parameters:"]
    lines += [f"    {p.describe()}" + (f" - {p.help}" if p.help else "") for p in spec.params]
    lines.append(f"  topics: {', '.join(spec.topics)}")
    return "\n".join(lines)


def run(name: str | None, list_: bool, sets: list[str], seed: int, as_json: bool) -> int:
    """Implement ``flashdl demo --list`` and ``flashdl demo NAME [--set k=v ...] [--seed N] [--json]``."""
    try:
        if list_:
            if name:
                print(describe(name))
            elif as_json:
                listing = [
                    {
                        "name": s.name,
                        "title": s.title,
                        "topics": list(s.topics),
                        "params": {p.name: format_value(p.default) for p in s.params},
                    }
                    for s in all_specs()
                ]
                print(json.dumps(listing, indent=2))
            else:
                from flashdl.engine.render import render_listing

                console = _console()
                console.print(render_listing(all_specs()), width=min(console.width, MAX_WIDTH))
            return 0
        if not name:
            raise DemoError("give a demo name (flashdl demo NAME) or --list to see them")
        result = run_demo(name, seed, parse_sets(sets))
    except DemoError as exc:
        print(f"flashdl demo: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if as_json:
        print(json.dumps(result.to_json()))
        return 0
    from flashdl.engine.render import render_result

    console = _console()
    width = min(console.width, MAX_WIDTH)
    console.print(render_result(result, width=width), width=width)
    return 0
