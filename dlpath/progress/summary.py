"""Where a learner stands: per exercise, per module, along their track, and what to do next.

The CLI (`dlpath list`, `dlpath check`) and the TUI draw the same figures from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlpath.curriculum.model import Curriculum, Exercise, Module
from dlpath.progress.store import ProgressStore
from dlpath.workspace import Workspace, file_hash

PASSED, FAILED, STARTED, NOT_STARTED = "passed", "failed", "started", "not started"

LESSON, QUIZ, EXERCISE = "lesson", "quiz", "exercise"


@dataclass(frozen=True)
class Place:
    """A lesson, a module's quiz or an exercise."""

    kind: str  # LESSON, QUIZ or EXERCISE
    module_id: str
    item_id: str = ""  # the lesson or exercise id; empty for a quiz

    def title(self, curriculum: Curriculum) -> str:
        """How the place reads on the Continue button: its kind and its own title."""
        module = curriculum.module(self.module_id)
        if self.kind == QUIZ:
            return f"the quiz of {module.title}"
        if self.kind == LESSON:
            lesson = next(x for x in module.lessons if x.id == self.item_id)
            return f"lesson · {lesson.title}"
        exercise = next(x for x in module.exercises if x.id == self.item_id)
        return f"exercise · {exercise.title}"


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_read: int
    exercises: dict[str, str]  # exercise key -> status
    quiz_correct: int
    quiz_answered: int
    missing_prerequisites: tuple[str, ...]

    @property
    def passed(self) -> int:
        return sum(status == PASSED for status in self.exercises.values())

    @property
    def started(self) -> int:
        return sum(status in (FAILED, STARTED) for status in self.exercises.values())

    @property
    def not_started(self) -> int:
        return sum(status == NOT_STARTED for status in self.exercises.values())

    @property
    def fraction(self) -> float:
        """Done share of the module: lessons, exercises and quiz, weighted by count."""
        m = self.module
        total = len(m.lessons) + 2 * len(m.exercises) + (1 if m.quiz else 0)
        done = self.lessons_read + 2 * self.passed
        if m.quiz and self.quiz_answered == len(m.quiz):
            done += 1
        return done / total if total else 1.0

    @property
    def state(self) -> str:
        if self.fraction >= 1.0:
            return "done"
        touched = (
            self.lessons_read
            or self.quiz_answered
            or any(s != NOT_STARTED for s in self.exercises.values())
        )
        return "in progress" if touched else "not started"


@dataclass(frozen=True)
class PathProgress:
    track: str | None
    modules: list[ModuleProgress]
    next_step: str
    weekly_hours: float
    exercise_status: dict[str, str] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        hours = sum(p.module.hours for p in self.modules)
        if not hours:
            return 1.0
        return sum(p.module.hours * p.fraction for p in self.modules) / hours

    @property
    def hours_left(self) -> float:
        return sum(p.module.hours * (1 - p.fraction) for p in self.modules)

    @property
    def weeks_left(self) -> float:
        return self.hours_left / self.weekly_hours if self.weekly_hours > 0 else float("inf")


def exercise_status(exercise: Exercise, store_runs: dict, workspace: Workspace | None) -> str:
    """The latest check's verdict, unless the learner's file changed since that check ran.

    A file still equal to its stub (or missing) is not started, whatever a check said of it
    (`dlpath check --all` checks stubs too): the same rule by which `dlpath check` picks the
    exercises to run.
    """
    latest = store_runs.get(exercise.key)
    if workspace is not None:
        if not workspace.is_started(exercise):
            return NOT_STARTED
        if latest is None or (
            latest.file_hash and file_hash(workspace.file_for(exercise)) != latest.file_hash
        ):
            return STARTED
    if latest is None:
        return NOT_STARTED
    return PASSED if latest.passed else FAILED


def track_modules(curriculum: Curriculum, track: str | None) -> list[Module]:
    chosen = curriculum.track(track) if track else None
    if chosen is None:
        return list(curriculum.modules)
    return [curriculum.module(module_id) for module_id in chosen.modules]


def summarize(
    curriculum: Curriculum,
    store: ProgressStore,
    workspace: Workspace | None,
    track: str | None = None,
) -> PathProgress:
    track = track if track is not None else store.setting("track")
    runs = store.latest_runs()
    read = store.lessons_read()
    modules = track_modules(curriculum, track)
    progress: list[ModuleProgress] = []
    done: set[str] = set()
    statuses: dict[str, str] = {}
    for module in curriculum.modules:
        answers = store.latest_answers(module.id)
        exercises = {ex.key: exercise_status(ex, runs, workspace) for ex in module.exercises}
        statuses.update(exercises)
        entry = ModuleProgress(
            module=module,
            lessons_read=sum((module.id, lesson.id) in read for lesson in module.lessons),
            exercises=exercises,
            quiz_correct=sum(answers.get(q.id, False) for q in module.quiz),
            quiz_answered=sum(q.id in answers for q in module.quiz),
            missing_prerequisites=(),
        )
        if entry.state == "done":
            done.add(module.id)
        if module in modules:
            progress.append(entry)
    progress = [
        ModuleProgress(
            p.module,
            p.lessons_read,
            p.exercises,
            p.quiz_correct,
            p.quiz_answered,
            tuple(m for m in p.module.prerequisites if m not in done),
        )
        for p in progress
    ]
    weekly = float(store.setting("weekly_hours", "6") or 6)
    return PathProgress(track, progress, _next_step(progress, workspace, read), weekly, statuses)


def _next_step(
    progress: list[ModuleProgress], workspace: Workspace | None, read: set[tuple[str, str]]
) -> str:
    """The one thing to do next, in words: fix what fails, else the next unfinished item."""
    place = _next(progress, read)
    if place is not None and place.kind == EXERCISE:
        entry = next(p for p in progress if p.module.id == place.module_id)
        exercise = next(e for e in entry.module.exercises if e.id == place.item_id)
        status = entry.exercises[exercise.key]
        if status == FAILED:
            return (
                f"fix `{exercise.id}`: `dlpath check {exercise.id}` says what is wrong; "
                f"`dlpath hint {exercise.id}` gives a hint"
            )
    if workspace is None:
        return "create your workspace: `dlpath init`"
    if place is None:
        return "the path is done: build your portfolio project with `dlpath new`"
    module = next(p.module for p in progress if p.module.id == place.module_id)
    if place.kind == LESSON:
        lesson = next(x for x in module.lessons if x.id == place.item_id)
        return f"read the lesson `{lesson.title}` of {module.title} (`dlpath start`)"
    if place.kind == QUIZ:
        return f"take the quiz of {module.title} (`dlpath start`)"
    exercise = next(e for e in module.exercises if e.id == place.item_id)
    if status_of(progress, exercise) == STARTED:
        return f"check `{exercise.id}`: `dlpath check {exercise.id}`"
    return f"start `{exercise.id}`: edit {workspace.file_for(exercise)}"


def status_of(progress: list[ModuleProgress], exercise: Exercise) -> str:
    entry = next(p for p in progress if p.module.id == exercise.module_id)
    return entry.exercises[exercise.key]


def next_place(progress: PathProgress, lessons_read: set[tuple[str, str]]) -> Place | None:
    return _next(progress.modules, lessons_read)


def _next(progress: list[ModuleProgress], lessons_read: set[tuple[str, str]]) -> Place | None:
    """Where to continue: the item behind the next step that `dlpath list` and `check` print.

    A failing exercise first; else the first unfinished module's first unread lesson, then its
    started or untouched exercises, then its quiz. None when the track is done.
    """
    for entry in progress:
        for exercise in entry.module.exercises:
            if entry.exercises[exercise.key] == FAILED:
                return Place(EXERCISE, exercise.module_id, exercise.id)
    for entry in progress:
        module = entry.module
        if entry.state == "done":
            continue
        for lesson in module.lessons:
            if (module.id, lesson.id) not in lessons_read:
                return Place(LESSON, module.id, lesson.id)
        for exercise in module.exercises:
            if entry.exercises[exercise.key] in (STARTED, NOT_STARTED):
                return Place(EXERCISE, module.id, exercise.id)
        if entry.quiz_answered < len(module.quiz):
            return Place(QUIZ, module.id)
    return None
