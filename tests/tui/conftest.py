"""Fixtures for the tutor's tests: the fixture pack, a workspace, the app built by its factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tui.fakes import FakeEngine

from dlpath.curriculum.loader import load_curriculum
from dlpath.curriculum.model import Curriculum
from dlpath.workspace import Workspace

PACK = Path(__file__).resolve().parents[1] / "fixtures" / "pack" / "curriculum"


@pytest.fixture
def curriculum(monkeypatch) -> Curriculum:
    monkeypatch.setenv("DLPATH_CURRICULUM", str(PACK))
    return load_curriculum(PACK)


@pytest.fixture
def workspace(tmp_path, curriculum) -> Workspace:
    created, _ = Workspace.create(tmp_path / "ws", curriculum)
    return created


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_app(curriculum, workspace, engine):
    """Build the app through the factory `dlpath start` uses, with the fake engine."""
    from dlpath.tui.app import create_app

    built = []

    def make(**overrides: Any):
        options: dict[str, Any] = {
            "curriculum": curriculum,
            "engine": engine,
            "workspace": workspace.root,
        }
        options.update(overrides)
        app = create_app(**options)
        built.append(app)
        return app

    yield make
    for app in built:
        app.session.store.close()
