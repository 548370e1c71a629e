"""The self-assessment counts an exercise the way `dlpath check` picks what to run."""

from __future__ import annotations

import time

import pytest

from dlpath.curriculum.loader import load_curriculum
from dlpath.progress.store import CheckRun, open_store
from dlpath.progress.summary import FAILED, NOT_STARTED, PASSED, STARTED, summarize
from dlpath.workspace import Workspace, file_hash

pytestmark = pytest.mark.usefixtures("pack")


def _run(key: str, passed: bool, digest: str) -> CheckRun:
    layer = None if passed else "contract"
    return CheckRun(key, passed, layer, "", {}, "cpu", 0.1, time.time(), digest)


@pytest.fixture
def setup(tmp_path):
    curriculum = load_curriculum()
    workspace, _ = Workspace.create(tmp_path / "ws", curriculum)
    with open_store(tmp_path / "progress.db") as store:
        yield curriculum, workspace, store


def _statuses(curriculum, store, workspace) -> dict[str, str]:
    return summarize(curriculum, store, workspace).exercise_status


def test_a_checked_stub_is_not_started(setup):
    """`dlpath check --all` checks the stubs too; that does not start them."""
    curriculum, workspace, store = setup
    for exercise in curriculum.exercises():
        store.record_run(_run(exercise.key, False, file_hash(workspace.file_for(exercise))))
    progress = summarize(curriculum, store, workspace)
    assert set(progress.exercise_status.values()) == {NOT_STARTED}
    assert all(p.started == 0 and p.passed == 0 for p in progress.modules)
    assert workspace.started(curriculum) == []  # what `dlpath check` runs: the same nothing


def test_statuses_follow_the_file_and_its_latest_check(setup):
    curriculum, workspace, store = setup
    add = curriculum.find_exercise("add")
    assert add is not None
    path = workspace.file_for(add)
    path.write_text("def add(a, b):\n    return a * b\n")
    assert _statuses(curriculum, store, workspace)[add.key] == STARTED
    store.record_run(_run(add.key, False, file_hash(path)))
    assert _statuses(curriculum, store, workspace)[add.key] == FAILED
    path.write_text("def add(a, b):\n    return a + b\n")
    assert _statuses(curriculum, store, workspace)[add.key] == STARTED  # changed since
    store.record_run(_run(add.key, True, file_hash(path)))
    assert _statuses(curriculum, store, workspace)[add.key] == PASSED
    workspace.reset(add)  # back to the stub: not started, whatever was checked before
    assert _statuses(curriculum, store, workspace)[add.key] == NOT_STARTED
    assert add not in workspace.started(curriculum)


def test_without_a_workspace_the_latest_check_counts(setup):
    curriculum, _, store = setup
    add = curriculum.find_exercise("add")
    assert add is not None
    store.record_run(_run(add.key, True, "ab" * 32))
    assert _statuses(curriculum, store, None)[add.key] == PASSED
