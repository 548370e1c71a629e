"""Plain data classes for a loaded, validated curriculum."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    path: Path


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    explanation: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # "choice", "numeric" or "recall"
    prompt: str
    answer: str | float
    options: tuple[Option, ...] = ()
    tolerance: float = 0.0
    explanation: str = ""

    def is_correct(self, given: str | float) -> bool:
        """Grade an answer; recall questions are graded by the learner, so never here."""
        if self.type == "choice":
            return str(given) == self.answer
        if self.type == "numeric":
            return abs(float(given) - float(self.answer)) <= self.tolerance
        raise ValueError("recall questions are self-graded")


@dataclass(frozen=True)
class Exercise:
    id: str
    module_id: str
    title: str
    task: str
    stub: Path
    solution: Path
    check: str  # "<folder>/<name>", resolved under the checks directory
    hints: tuple[str, ...]
    time_budget: float
    requires: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.module_id}/{self.id}"

    @property
    def workspace_relpath(self) -> str:
        """Where the learner's copy lives inside the workspace."""
        return f"exercises/{self.module_id}/{self.stub.name}"


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    summary: str
    hours: float
    prerequisites: tuple[str, ...]
    lessons: tuple[Lesson, ...]
    quiz: tuple[Question, ...]
    exercises: tuple[Exercise, ...]
    directory: Path


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    summary: str
    modules: tuple[str, ...]


@dataclass(frozen=True)
class Curriculum:
    title: str
    directory: Path
    checks_directory: Path
    modules: tuple[Module, ...]
    tracks: tuple[Track, ...]
    _by_id: dict[str, Module] = field(default_factory=dict, repr=False, compare=False)

    def module(self, module_id: str) -> Module:
        return self._by_id[module_id]

    def exercises(self) -> list[Exercise]:
        return [ex for module in self.modules for ex in module.exercises]

    def find_exercise(self, name: str) -> Exercise | None:
        """Find an exercise by ``id``, ``module/id`` or its stub's file name."""
        for ex in self.exercises():
            if name in (ex.id, ex.key, ex.stub.name, f"{ex.module_id}/{ex.stub.name}"):
                return ex
        return None

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def check_path(self, exercise: Exercise) -> Path:
        return self.checks_directory / f"{exercise.check}.py"
