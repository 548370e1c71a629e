"""`dlpath start` in a real terminal (tmux), used as a person would: start, open a lesson, quit."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlpath.progress.store import open_store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux session on a private socket: type keys, read the screen."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, timeout=20
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "dlpath")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "dlpath", *keys)


def test_start_open_a_lesson_and_quit(tmp_path, isolated_home, pack):
    terminal = Terminal(tmp_path / "tmux.sock")
    env = {
        "DLPATH_HOME": str(isolated_home),
        "DLPATH_CURRICULUM": str(pack),
        "HOME": str(tmp_path),
    }
    # tmux may size the pane just after starting it: start dlpath once the size has settled
    command = (
        'while [ "$(stty size)" != "40 120" ]; do sleep 0.05; done; '
        "unset COLUMNS LINES; "  # a shell may have exported the size it saw first
        f"{sys.executable} -m dlpath start; echo dlpath-exited-with-$?; sleep 60"
    )
    terminal.tmux(
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "40",
        "-s",
        "dlpath",
        "-c",
        str(tmp_path),
        *[f"-e{name}={value}" for name, value in env.items()],
        command,
    )
    try:
        terminal.wait_for("Create your workspace?")  # the first run offers it...
        terminal.wait_for(f"{isolated_home.name}/workspace")  # ...in the data folder
        terminal.keys("Enter")
        shown = terminal.wait_for("c Continue")  # the home screen's own keys: the dialog closed
        assert "Basics" in shown and "Advanced" in shown and "prerequisites not done" in shown
        assert "Continue: lesson · Adding" in shown
        time.sleep(0.3)  # as a person would, look before pressing
        terminal.keys("Down", "Up", "Enter")  # to the first module's items
        time.sleep(0.3)
        terminal.keys("Enter")  # its first lesson
        shown = terminal.wait_for("Some words about it.")
        assert "Adding" in shown and "lesson 1 of 2 · Basics" in shown
        assert "print(1 + 1)" in shown
        terminal.wait_for("✔ read")
        terminal.keys("q")
        terminal.wait_for("dlpath-exited-with-0")
    finally:
        subprocess.run(["tmux", "-S", str(terminal.socket), "kill-server"], capture_output=True)
    with open_store() as store:
        assert ("basics", "adding") in store.lessons_read()
        assert (isolated_home / "workspace" / "exercises" / "basics" / "add.py").is_file()
