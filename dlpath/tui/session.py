"""What the tutor works on: the curriculum, the progress store, the workspace and the engine.

Free of UI code, like frogmouth's data layer: screens call these methods and draw the results.
Every store write goes through here and happens on the UI thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dlpath.curriculum.model import Curriculum, Exercise, Lesson, Module, Track
from dlpath.engine.devices import DEVICES
from dlpath.engine.verdict import Verdict
from dlpath.errors import WorkspaceError
from dlpath.paths import default_workspace_dir
from dlpath.progress.store import CheckRun, ProgressStore
from dlpath.progress.summary import PathProgress, summarize, track_modules
from dlpath.tui.engine import CheckEngine, SerialEngine
from dlpath.tui.places import Place, resume
from dlpath.workspace import ENV_VAR, InitReport, Workspace, find_workspace

DEFAULT_WEEKLY_HOURS = 6.0


@dataclass
class Session:
    curriculum: Curriculum
    store: ProgressStore
    workspace: Workspace | None
    offer_root: Path  # where to offer creating a workspace when there is none
    engine: SerialEngine = field(init=False)
    injected_engine: CheckEngine | None = None

    def __post_init__(self) -> None:
        self.engine = SerialEngine(self._make_engine)

    def _make_engine(self) -> CheckEngine:
        if self.injected_engine is not None:
            return self.injected_engine
        from dlpath.engine.runner import CheckRunner

        cwd = self.workspace.root if self.workspace else None
        return CheckRunner(device=self.device(), cwd=cwd)

    @classmethod
    def open(
        cls,
        curriculum: Curriculum | None = None,
        store: ProgressStore | None = None,
        engine: CheckEngine | None = None,
        workspace: Path | None = None,
    ) -> Session:
        """Load what is not given, and find the workspace the way the CLI does."""
        if curriculum is None:
            from dlpath.curriculum.loader import load_curriculum

            curriculum = load_curriculum()
        if store is None:
            from dlpath.progress.store import open_store

            store = open_store()
        configured = store.setting("workspace")
        try:
            found = find_workspace(workspace, configured)
        except WorkspaceError:  # named but not created yet: offer to create it there
            found = None
        offer = workspace or os.environ.get(ENV_VAR) or configured or default_workspace_dir()
        return cls(curriculum, store, found, Path(offer).expanduser(), engine)

    def close(self) -> None:
        self.engine.close()
        self.store.close()

    # -- the path --------------------------------------------------------------------------

    def track(self) -> Track | None:
        chosen = self.store.setting("track")
        return self.curriculum.track(chosen) if chosen else None

    def modules(self) -> list[Module]:
        """The modules of the learner's track, in order (all of them without a track)."""
        track = self.track()
        return track_modules(self.curriculum, track.id if track else None)

    def progress(self) -> PathProgress:
        """The same figures `dlpath list` prints."""
        track = self.track()
        return summarize(self.curriculum, self.store, self.workspace, track.id if track else "")

    def resume_place(self, progress: PathProgress | None = None) -> Place | None:
        """Where to continue; pass the progress just computed to save computing it again."""
        return resume(progress or self.progress(), self.store.lessons_read())

    def lesson(self, module_id: str, lesson_id: str) -> Lesson:
        return next(x for x in self.curriculum.module(module_id).lessons if x.id == lesson_id)

    def exercise(self, module_id: str, exercise_id: str) -> Exercise:
        module = self.curriculum.module(module_id)
        return next(x for x in module.exercises if x.id == exercise_id)

    def weekly_hours(self) -> float:
        try:
            return float(self.store.setting("weekly_hours") or DEFAULT_WEEKLY_HOURS)
        except ValueError:
            return DEFAULT_WEEKLY_HOURS

    def device(self) -> str:
        saved = self.store.setting("device", "auto") or "auto"
        return saved if saved in DEVICES else "auto"

    # -- settings --------------------------------------------------------------------------

    def save_settings(self, track: str | None, device: str, weekly_hours: float) -> None:
        self.store.set_setting("track", track or "")
        self.store.set_setting("device", device)
        self.store.set_setting("weekly_hours", f"{weekly_hours:g}")
        self.engine.set_device(device)

    # -- the workspace ---------------------------------------------------------------------

    def create_workspace(self, root: Path) -> InitReport:
        """Create (or complete) the workspace at ``root`` and remember it, like `dlpath init`."""
        workspace, report = Workspace.create(root, self.curriculum)
        self.store.set_setting("workspace", str(workspace.root))
        self.workspace = workspace
        return report

    def learner_file(self, exercise: Exercise) -> Path | None:
        return self.workspace.file_for(exercise) if self.workspace else None

    # -- exercises -------------------------------------------------------------------------

    def exercise_status(self, exercise: Exercise) -> str:
        return self.progress().exercise_status.get(exercise.key, "not started")

    def ever_passed(self, exercise: Exercise) -> bool:
        return self.store.exercise_states().get(exercise.key) == "passed"

    def reveal_hint(self, exercise: Exercise) -> int:
        return self.store.reveal_hint(exercise.key, len(exercise.hints))

    def record_run(self, exercise: Exercise, verdict: Verdict, digest: str, seed: int) -> None:
        """Record a finished run as `dlpath check` does; a cancelled run, or a fault of dlpath's
        own (an ``internal`` verdict), says nothing about the learner's code."""
        if not verdict.recordable or not digest:
            return
        self.store.record_run(CheckRun.from_verdict(exercise.key, verdict, digest, seed))

    def add_time(self, module_id: str, seconds: float) -> None:
        if seconds > 0:
            self.store.add_time(module_id, seconds)
