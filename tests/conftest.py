"""Every test runs with its own dlpath home: nothing touches the real one."""

from __future__ import annotations

import os
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
