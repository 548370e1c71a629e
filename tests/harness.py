"""Run a bundled exercise's check on any file, in-process, for the checks' evidence tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dlpath.curriculum.loader import load_module
from dlpath.curriculum.model import Exercise, Module
from dlpath.engine.execute import execute_check
from dlpath.engine.verdict import Verdict
from dlpath.paths import checks_dir, curriculum_dir


@cache
def module(module_id: str) -> Module:
    return load_module(curriculum_dir() / module_id / "module.yaml")


def exercise(module_id: str, exercise_id: str) -> Exercise:
    found = next((e for e in module(module_id).exercises if e.id == exercise_id), None)
    assert found is not None, f"no exercise {exercise_id} in {module_id}"
    return found


def run_check(
    module_id: str, exercise_id: str, learner_file: Path, seed: int = 0, device: str = "cpu"
) -> Verdict:
    """The verdict of the exercise's check on ``learner_file``."""
    ex = exercise(module_id, exercise_id)
    return execute_check(
        ex.key,
        checks_dir() / f"{ex.check}.py",
        Path(learner_file),
        checks_dir(),
        seed=seed,
        device=device,
    )


def run_reference(module_id: str, exercise_id: str, seed: int = 0) -> Verdict:
    return run_check(module_id, exercise_id, exercise(module_id, exercise_id).solution, seed)


def run_stub(module_id: str, exercise_id: str) -> Verdict:
    return run_check(module_id, exercise_id, exercise(module_id, exercise_id).stub)
