"""Every test runs with its own dlpath home: nothing touches the real one."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

# As in the engine's child process: small models train faster, and steadier, on one thread.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest

PACK = Path(__file__).parent / "fixtures" / "pack" / "curriculum"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("dlpath-home")
    monkeypatch.setenv("DLPATH_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("DLPATH_WORKSPACE", raising=False)
    monkeypatch.delenv("DLPATH_CURRICULUM", raising=False)
    return home


@pytest.fixture
def pack(monkeypatch) -> Path:
    """Use the small fixture curriculum instead of the bundled one."""
    monkeypatch.setenv("DLPATH_CURRICULUM", str(PACK))
    return PACK


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``dlpath ARGS`` in-process through the real entry point (errors included)."""
    from dlpath.cli import context, main

    def run(*args: str) -> Result:
        context.state.workspace = None
        monkeypatch.setattr(sys, "argv", ["dlpath", *args])
        monkeypatch.setenv("COLUMNS", "200")
        code = 0
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
