"""Small helpers shared by tests."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def write(path: Path, text: str) -> None:
    """Write a file so that its modification time visibly changes."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        time.sleep(0.01)
        os.utime(path)


def cli_commands() -> dict[tuple[str, ...], Any]:
    """Every command of the real CLI, groups and the root (``()``) included, by the words after
    ``dlpath``; walked through list_commands/get_command, as the root loads commands lazily."""
    from typer.main import get_command

    from dlpath.cli import app

    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found[path] = command
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), (*path, name))

    walk(get_command(app), ())
    return found
