"""Small helpers shared by tests."""

from __future__ import annotations

import os
import time
from pathlib import Path


def write(path: Path, text: str) -> None:
    """Write a file so that its modification time visibly changes."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        time.sleep(0.01)
        os.utime(path)
