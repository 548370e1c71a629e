"""The bundled curriculum keeps the minimums its issues set, so a later edit cannot quietly
drop below them: lessons of at least 500 words of prose, each with its common mistakes and
pointers for going deeper; a quiz of at least 8 questions; exercises with hints, a time budget
and at least 3 buggy variants in their evidence; estimated hours; every module on a track."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlpath.cli.curriculum_cmd import lesson_words
from dlpath.curriculum.loader import load_curriculum
from dlpath.paths import curriculum_dir

EVIDENCE = Path(__file__).parents[1] / "checks"
CURRICULUM = load_curriculum(curriculum_dir())
MODULES = list(CURRICULUM.modules)
LESSONS = [(m, lesson) for m in MODULES for lesson in m.lessons]
EXERCISES = [(m, e) for m in MODULES for e in m.exercises]
MISTAKES = re.compile(r"^#{2,3} .*mistake", re.IGNORECASE | re.MULTILINE)
DEEPER = re.compile(r"^#{2,3} .*(deeper|further|reading|resources)", re.IGNORECASE | re.MULTILINE)


def test_the_path_has_every_module_the_readme_lists():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    listed = re.findall(r"^\| \d+ \| ([\w-]+) \|", readme, flags=re.MULTILINE)
    assert listed == [m.id for m in MODULES]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_module_has_hours_a_quiz_and_a_track(module):
    assert module.hours > 0
    assert len(module.quiz) >= 8, f"{module.id}: {len(module.quiz)} quiz questions"
    assert any(module.id in track.modules for track in CURRICULUM.tracks)


@pytest.mark.parametrize(
    "module,lesson", LESSONS, ids=[f"{m.id}/{lesson.id}" for m, lesson in LESSONS]
)
def test_lesson_is_long_enough_and_complete(module, lesson):
    text = lesson.path.read_text(encoding="utf-8")
    assert lesson_words(text) >= 500, f"{lesson.path}: {lesson_words(text)} words of prose"
    assert MISTAKES.search(text), f"{lesson.path}: no 'Common mistakes' section"
    assert DEEPER.search(text), f"{lesson.path}: no pointers for going deeper"


@pytest.mark.parametrize("module,exercise", EXERCISES, ids=[e.key for _, e in EXERCISES])
def test_exercise_has_hints_a_budget_and_three_bugs(module, exercise):
    assert len(exercise.hints) >= 2, f"{exercise.key}: {len(exercise.hints)} hint(s)"
    assert exercise.time_budget > 0
    variants = EVIDENCE / module.id / "variants" / exercise.id
    bugs = sorted(p.name for p in variants.glob("bug_*.py"))
    assert len(bugs) >= 3, f"{exercise.key}: buggy variants {bugs}"
