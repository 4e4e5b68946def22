"""Wait until something is true, or fail saying what never happened.

A polling loop that falls through after its deadline lets the test go on and fail somewhere
unrelated, or pass without checking anything; these helpers raise at the deadline instead, with a
message naming the condition (and, for a screen, what it showed). The timeouts are generous: a
condition that holds returns at once, so a long timeout only costs time when the test fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Seconds to wait by default: long enough for a loaded 2-core CI machine.
TIMEOUT = 30.0


def _message(what: str | Callable[[], str], timeout: float) -> str:
    text = what() if callable(what) else what
    return f"gave up after {timeout:g} s waiting for {text}"


def wait_until(condition: Callable[[], T], what: str | Callable[[], str], *,
               timeout: float = TIMEOUT, interval: float = 0.05) -> T:
    """Call ``condition`` until it returns something true and return that; AssertionError
    naming ``what`` (a string, or a function giving one at the deadline) if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(_message(what, timeout))
        time.sleep(interval)


async def pilot_wait_until(pilot: Any, condition: Callable[[], T], what: str | Callable[[], str],
                           *, timeout: float = TIMEOUT, interval: float = 0.02) -> T:
    """:func:`wait_until` for a Textual Pilot test: lets the app run between the checks."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(_message(what, timeout))
        await pilot.pause(interval)
