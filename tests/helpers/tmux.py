"""flashdl in a real terminal: a private tmux server (ours alone) running one command.

The test reads the screen as the learner sees it (``capture-pane``) and types keys; every wait
fails with the screen's contents when what it waits for never appears.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from helpers.ci import skip_or_fail
from helpers.waiting import wait_until


def require_tmux() -> None:
    """Skip the test without tmux (fail it under CI=true)."""
    if shutil.which("tmux") is None:
        skip_or_fail("tmux is not installed")


class Terminal:
    def __init__(self, tmux: list[str]) -> None:
        self._tmux = tmux

    def screen(self) -> str:
        out = subprocess.run([*self._tmux, "capture-pane", "-p", "-t", "app"],
                             capture_output=True, text=True, timeout=30)
        return out.stdout

    def keys(self, *names: str) -> None:
        """Press keys by tmux's names (``Enter``, ``Space``, ``q``)."""
        subprocess.run([*self._tmux, "send-keys", "-t", "app", *names], check=True, timeout=30)

    def type(self, text: str) -> None:
        """Type ``text`` literally, character by character as the terminal delivers it."""
        subprocess.run([*self._tmux, "send-keys", "-t", "app", "-l", text], check=True, timeout=30)

    def wait_for(self, needle: str, timeout: float = 30) -> str:
        """The screen once it shows ``needle``."""
        def shown() -> str:
            screen = self.screen()
            return screen if needle in screen else ""

        return wait_until(shown, lambda: f"{needle!r} on screen; the terminal shows:\n{self.screen()}",
                          timeout=timeout, interval=0.05)

    def alive(self) -> bool:
        """The program is still running."""
        out = subprocess.run([*self._tmux, "display-message", "-p", "-t", "app", "#{pane_dead}"],
                             capture_output=True, text=True, timeout=30)
        return out.returncode == 0 and out.stdout.strip() == "0"

    def wait_exit(self, timeout: float = 30) -> None:
        wait_until(lambda: not self.alive(),
                   lambda: f"the program to quit; the terminal shows:\n{self.screen()}",
                   timeout=timeout, interval=0.05)


@contextmanager
def terminal(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path,
             size: tuple[int, int] = (100, 30)) -> Iterator[Terminal]:
    """Run ``argv`` (with ``env`` added) in a fresh tmux terminal of ``size`` columns x rows."""
    require_tmux()
    socket = f"flashdl-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-u", "-L", socket]
    settings = {"LANG": "C.UTF-8", "TERM": "xterm-256color", **env}
    command = shlex.join(["env", *(f"{k}={v}" for k, v in settings.items()), *argv])
    # remain-on-exit: a program that quits or crashes leaves its last screen (a traceback) to read
    subprocess.run([*tmux, "-f", "/dev/null", "new-session", "-d", "-s", "app", "-x", str(size[0]),
                    "-y", str(size[1]), "-c", str(cwd), command, ";",
                    "set-option", "-t", "app", "remain-on-exit", "on"], check=True, timeout=30)
    socket_path = subprocess.run([*tmux, "display-message", "-p", "#{socket_path}"],
                                 capture_output=True, text=True).stdout.strip()
    try:
        yield Terminal(tmux)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        if socket_path:
            Path(socket_path).unlink(missing_ok=True)
