"""Which editor opens a learner's file (``$VISUAL``, then ``$EDITOR``, then a common one), and
running it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

FALLBACK_EDITORS = ("nano", "vim", "vi")


def editor_command(path: Path, environ: Mapping[str, str] | None = None) -> list[str] | None:
    """The command line that edits ``path``, or None when no editor can be found."""
    environ = os.environ if environ is None else environ
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                words = value.split()
            if words:
                return [*words, str(path)]
    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found, str(path)]
    return None


def run_editor(command: list[str]) -> str | None:
    """Run the editor and wait for it; returns why it did not start, or None.

    It never raises for an editor that cannot start: the caller runs it with the app suspended,
    and an exception escaping that block would leave the app suspended (a blank screen).
    """
    try:
        subprocess.run(command, check=False)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return f"{command[0]} did not start ({reason}): set $VISUAL or $EDITOR to an editor"
    return None
