from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest


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
