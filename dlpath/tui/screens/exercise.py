"""An exercise: its task and the learner's file; run its check live, hints, edit, compare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.message import Message
from textual.widgets import Footer, Markdown, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from dlpath.curriculum.model import Exercise
from dlpath.engine.requirements import precheck
from dlpath.engine.verdict import Verdict
from dlpath.engine.watch import signature, wait_for_change
from dlpath.tui.editor import editor_command, run_editor
from dlpath.tui.event_feed import EventFeed
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.check_panel import CheckPanel
from dlpath.tui.widgets.hint_list import HintList
from dlpath.tui.widgets.title_bar import TitleBar
from dlpath.workspace import file_hash

WATCH_POLL_SECONDS = 1.0
STATUS_STYLE = {
    "passed": "$success",
    "failed": "$error",
    "started": "$warning",
    "not started": "$text-muted",
}


@dataclass(frozen=True)
class Outcome:
    """What a check worker returns: the verdict and the hash of the file it checked."""

    verdict: Verdict
    digest: str


class ExerciseScreen(TutorScreen):
    BINDINGS = [
        Binding("r", "run", "Run check"),
        Binding("c", "cancel", "Cancel"),
        Binding("e", "edit", "Edit"),
        Binding("h", "hint", "Hint"),
        Binding("d", "compare", "Compare"),
        Binding("w", "watch", "Watch"),
        Binding("escape", "back", "Back"),
        Binding("t", "show_tab('task')", "Task tab", show=False),
        Binding("f", "show_tab('file')", "File tab", show=False),
        Binding("i", "show_tab('hints')", "Hints tab", show=False),
    ]

    class EventsWaiting(Message):
        """Engine events are waiting in the feed (posted from the check's thread)."""

    class FileSaved(Message):
        """Watch mode saw the learner's file change (posted from the watch thread)."""

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise
        self.module_id = exercise.module_id
        self.running = False
        self.watching = False
        self.rerun_pending = False
        self.feed = EventFeed(lambda: self.post_message(self.EventsWaiting()))
        self._watch_worker: Worker[None] | None = None
        self.last_verdict: Verdict | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        ex = self.exercise
        yield TitleBar()
        with Horizontal(id="exercise-body"):
            with TabbedContent(id="exercise-tabs"):
                with TabPane("Task", id="task"), VerticalScroll():
                    yield Static(id="file-line")
                    yield Markdown(ex.task, id="task-text")
                with TabPane("Your file", id="file"), ScrollableContainer():
                    yield Static(id="code", classes="code")
                with TabPane("Hints", id="hints"), VerticalScroll():
                    yield HintList(id="hint-list")
            yield CheckPanel(id="check-panel")
        yield Footer()

    def on_mount(self) -> None:
        if not self.is_open:
            return
        self.title = self.exercise.title
        self._show_subtitle()
        self.refresh_file()
        self.refresh_hints()
        panel = self.query_one(CheckPanel)
        panel.verdict_panel.clear_verdict(self._last_run_text())
        panel.idle("Press r to run the check; e opens the file in your editor.")
        if self.session.workspace is not None and not self.session.engine.started:
            self.run_worker(
                self.session.engine.probe_devices, thread=True, group="warm", exit_on_error=False
            )

    def _show_subtitle(self) -> None:
        module = self.session.curriculum.module(self.exercise.module_id)
        watching = " · watching for saves" if self.watching else ""
        self.sub_title = f"exercise {self.exercise.key} · {module.title}{watching}"

    def _last_run_text(self) -> str:
        runs = self.session.store.runs(self.exercise.key, limit=1)
        if not runs:
            return "No check has run on this exercise yet."
        last = runs[0]
        result = "passed" if last.passed else f"failed ({last.layer}): {last.message}"
        return f"Last check {result}."

    def refresh_file(self) -> None:
        """The file line on the Task tab and the code on the Your file tab."""
        path = self.session.learner_file(self.exercise)
        line = self.query_one("#file-line", Static)
        code = self.query_one("#code", Static)
        if path is None:
            line.update(Content.styled("No workspace yet: press e to create one.", "$warning"))
            code.update("")
            return
        status = self.session.exercise_status(self.exercise)
        line.update(
            Content.assemble(
                ("Your file: ", "$text-muted"),
                (self.exercise.workspace_relpath, "bold"),
                "  ",
                (status, STATUS_STYLE.get(status, "")),
            )
        )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            code.update(Content.styled(f"{path} cannot be read: {exc}", "$error"))
            return
        code.update(numbered(text))

    def refresh_state(self) -> None:
        self.refresh_file()
        self.refresh_bindings()

    def refresh_hints(self) -> None:
        revealed = self.session.store.hints_revealed(self.exercise.key)
        self.query_one(HintList).show_hints(self.exercise.hints, revealed)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        if action == "run":
            return None if self.running else True
        if action == "compare":
            return True if self.session.ever_passed(self.exercise) else None
        return True

    # -- running the check -----------------------------------------------------------------

    def action_run(self) -> None:
        if self.running:
            self.notify("A check is already running (c cancels it).")
            return
        session, ex = self.session, self.exercise
        path = session.learner_file(ex)
        if path is None:
            self.tutor.offer_workspace()
            return
        panel = self.query_one(CheckPanel)
        if (cannot_start := precheck(ex, path)) is not None:
            self._finish(Outcome(cannot_start, ""))
            return
        self.running = True
        self.refresh_bindings()
        panel.starting(ex.title)
        self.feed.drain()
        check_file = session.curriculum.check_path(ex)
        checks_dir = session.curriculum.checks_directory

        def work() -> Outcome:
            digest = file_hash(path)  # the content this check sees
            verdict = session.engine.run(
                ex.key, check_file, path, checks_dir, ex.time_budget, 0, self.feed.push
            )
            return Outcome(verdict, digest)

        self.run_worker(work, thread=True, group="check", exit_on_error=False, name=ex.key)

    def action_cancel(self) -> None:
        if self.running:
            self.session.engine.cancel()

    @on(EventsWaiting)
    def _take_events(self) -> None:
        events = self.feed.drain()
        if events and self.running:
            self.query_one(CheckPanel).apply(events)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        failed_to_warm = worker.group == "warm" and event.state == WorkerState.ERROR
        if failed_to_warm and not self.running and self.last_verdict is None:  # not after cancel
            self.query_one(CheckPanel).idle(f"The check process did not start: {worker.error}")
        if worker.group != "check":
            return
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, Outcome):
            self._finish(worker.result)
        elif event.state == WorkerState.ERROR:
            message = f"the check could not run: {type(worker.error).__name__}: {worker.error}"
            self._finish(Outcome(Verdict(self.exercise.key, False, "internal", message), ""))

    def _finish(self, outcome: Outcome) -> None:
        self._take_events()
        self.running = False
        session, ex = self.session, self.exercise
        session.record_run(ex, outcome.verdict, outcome.digest, seed=0)
        self.last_verdict = outcome.verdict
        self._show_verdict()
        self.refresh_file()
        self.refresh_bindings()
        if self.rerun_pending and self.watching:
            self.rerun_pending = False
            self.action_run()

    def _show_verdict(self) -> None:
        if self.last_verdict is None:
            return
        ex = self.exercise
        revealed = self.session.store.hints_revealed(ex.key)
        self.query_one(CheckPanel).finished(
            self.last_verdict,
            hints_left=len(ex.hints) - revealed,
            hints_total=len(ex.hints),
            can_compare=self.session.ever_passed(ex),
        )

    # -- hints, editor, compare, watch -----------------------------------------------------

    def action_hint(self) -> None:
        if not self.exercise.hints:
            self.notify("This exercise has no hints.")
            return
        before = self.session.store.hints_revealed(self.exercise.key)
        shown = self.session.reveal_hint(self.exercise)
        self.refresh_hints()
        self._show_verdict()
        self.query_one(TabbedContent).active = "hints"
        if shown == before:
            self.notify("That was the last hint.")

    def action_edit(self) -> None:
        path = self.session.learner_file(self.exercise)
        if path is None:
            self.tutor.offer_workspace()
            return
        command = editor_command(path)
        if command is None:
            self.notify("No editor found: set $EDITOR (e.g. export EDITOR=nano).", severity="error")
            return
        before = signature(path)
        try:
            with self.app.suspend():
                problem = run_editor(command)  # never raises: the app must always resume
        except SuspendNotSupported:
            self.notify(
                f"This terminal cannot hand over to an editor; edit {path} elsewhere.",
                severity="warning",
            )
            return
        if problem is not None:
            self.notify(problem, severity="error", timeout=10)
            return
        self.refresh_file()
        if signature(path) != before and not self.watching:
            self.notify("Saved. Press r to run the check.")

    def action_compare(self) -> None:
        path = self.session.learner_file(self.exercise)
        if path is None or not self.session.ever_passed(self.exercise):
            self.notify("The reference solution opens once your check has passed.")
            return
        from dlpath.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.exercise, path))

    def action_watch(self) -> None:
        path = self.session.learner_file(self.exercise)
        if path is None:
            self.tutor.offer_workspace()
            return
        if self.watching:
            self.watching = False
            if self._watch_worker is not None:
                self._watch_worker.cancel()
            self._show_subtitle()
            self.notify("Watch mode off.")
            return
        self.watching = True
        self._show_subtitle()
        self._watch_worker = self.run_worker(
            lambda: self._watch(path), thread=True, group="watch", exit_on_error=False
        )
        self.notify("Watch mode on: the check runs each time you save the file.")

    def _watch(self, path: Path) -> None:
        worker = get_current_worker()
        since = signature(path)
        while not worker.is_cancelled:
            if wait_for_change(path, since, timeout=WATCH_POLL_SECONDS):
                since = signature(path)
                if not worker.is_cancelled:
                    self.post_message(self.FileSaved())

    @on(FileSaved)
    def _file_saved(self) -> None:
        self.refresh_file()
        if not self.watching:
            return
        if self.running:
            self.rerun_pending = True
        else:
            self.action_run()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self.running:
            self.session.engine.cancel()
        if self._watch_worker is not None:
            self._watch_worker.cancel()


def numbered(code: str) -> Content:
    """Python source with syntax highlighting and line numbers."""
    lines = highlight(code, language="python").split("\n") if code else [Content("")]
    width = len(str(len(lines)))
    return Content("\n").join(
        Content.assemble((f"{n:>{width}} ", "$text-muted"), line)
        for n, line in enumerate(lines, start=1)
    )
