"""The real `audit-tui` in a terminal (tmux): answers the screen marked saved survive SIGKILL."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.file.store import InspectionStore

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

HANG_GUARD = 120  # seconds; only stops a broken run from hanging the suite, never a measure


class Terminal:
    """A tmux session on its own socket, running one command."""

    def __init__(self, socket: Path, command: str, size: tuple[int, int] = (100, 32)) -> None:
        self.base = ["tmux", "-S", str(socket)]
        subprocess.run(
            [*self.base, "new-session", "-d", "-x", str(size[0]), "-y", str(size[1]), command],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            [*self.base, "capture-pane", "-p"], capture_output=True, text=True, check=True
        ).stdout

    def send(self, *keys: str) -> None:
        subprocess.run([*self.base, "send-keys", *keys], check=True)

    def wait_for(self, pattern: str | re.Pattern[str]) -> re.Match[str]:
        """Poll the screen until the pattern shows (the app gives no other signal to wait on)."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + HANG_GUARD
        while True:
            found = regex.search(self.screen())
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"never showed {regex.pattern!r}:\n{self.screen()}")
            time.sleep(0.05)

    def pid(self) -> int:
        out = subprocess.run(
            [*self.base, "display-message", "-p", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return int(out.strip())

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)


def console_script() -> Path:
    script = Path(sys.executable).with_name("audit-tui")
    if not script.exists():
        pytest.skip("the audit-tui console script is not installed next to this Python")
    return script


def audit_tui_in_tmux(tmp_path: Path, *args: str) -> Terminal:
    """`audit-tui ARGS` in its own tmux, its settings under tmp_path."""
    home = tmp_path / "home"
    words = " ".join(shlex.quote(str(arg)) for arg in (console_script(), *args))
    command = f"exec env AUDIT_TUI_HOME={shlex.quote(str(home))} TERM=xterm-256color {words}"
    return Terminal(tmp_path / "tmux.sock", command)


def test_answers_marked_saved_survive_sigkill(tmp_path):
    demo = tmp_path / "demo.sqlite"
    terminal = audit_tui_in_tmux(tmp_path, "demo", "--path", str(demo))
    try:
        terminal.wait_for(r"cases shown")
        terminal.send("p")  # only cases not started, so every answer is new
        terminal.wait_for(r"progress not started")
        terminal.send("Enter")
        case_ref = terminal.wait_for(r"Case (C\d+) — .*inspector").group(1)
        terminal.wait_for(r"Answer +y Yes")
        saved: dict[str, str] = {}
        for count, key in enumerate(["y", "a", "y", "n", "y", "y", "a", "y"], start=1):
            terminal.send(key)
            marked = rf"✓ saved (\S+) (\w+) · {count} saved this session"
            shown = terminal.wait_for(rf"{marked}|Note for \S+")
            if shown.group(0).startswith("Note for"):
                terminal.send("-l", "evidence on file")
                terminal.send("C-s")
                shown = terminal.wait_for(marked)
            saved[shown.group(1)] = shown.group(2)
        os.kill(terminal.pid(), signal.SIGKILL)
    finally:
        terminal.close()
    assert len(saved) == 8
    with InspectionStore.open(demo) as store:
        answers = {a.question_id: a.value for a in store.answers(case_ref, "primary")}
    assert answers == saved
