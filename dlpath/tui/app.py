"""The tutor app and the one factory that builds it, for `dlpath start` and the tests alike."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from dlpath.curriculum.model import Curriculum
from dlpath.errors import WorkspaceError
from dlpath.progress.store import ProgressStore
from dlpath.tui.commands import TutorCommands
from dlpath.tui.engine import CheckEngine
from dlpath.tui.places import EXERCISE, LESSON, QUIZ, Place
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.screens.dialogs import Notice, TooSmall, WorkspaceOffer
from dlpath.tui.screens.home import HomeScreen
from dlpath.tui.session import Session
from dlpath.tui.study_clock import StudyClock

MIN_SIZE = (80, 24)
# Inputs that count as studying (StudyClock): keys, clicks and the mouse wheel while reading.
ACTIVITY_EVENTS = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.MouseScrollLeft,
    events.MouseScrollRight,
)


class TutorApp(App[None]):
    """A small app class: it pushes the home screen and routes between places."""

    CSS_PATH = "dlpath.tcss"
    TITLE = "dlpath"
    COMMANDS = App.COMMANDS | {TutorCommands}
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.clock = StudyClock()

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self.session.workspace is None:
            self.offer_workspace()
        moved = self.session.store.recovered_from
        if moved is not None:
            self.push_screen(
                Notice(
                    "Your progress database could not be read",
                    f"It was moved aside to {moved} and a clean one was started, so dlpath "
                    "works as before; your earlier progress is in that file.",
                )
            )
        self.guard_size()

    # -- input, size, time -----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY_EVENTS):
            self.clock.touch()
        await super().on_event(event)

    def on_resize(self, event: events.Resize) -> None:
        self.guard_size(event.size.width, event.size.height)  # self.size is updated after this

    def guard_size(self, width: int | None = None, height: int | None = None) -> None:
        """Below 80 x 24 a message covers the screens instead of a squeezed layout.

        Called on a resize and whenever a tutor screen comes forward. A TooSmall screen left
        under another one once the terminal has grown closes itself when it comes forward.
        """
        if self._home() is None:
            return  # a resize before on_mount: on_mount guards once the home screen is there
        if width is None or height is None:
            width, height = self.size
        too_small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        top = self.screen if self.screen_stack else None
        if too_small:
            if not isinstance(top, TooSmall):
                self.push_screen(TooSmall(MIN_SIZE, (width, height)))
            else:
                top.show_size(width, height)
        elif isinstance(top, TooSmall):
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to jump to until the terminal is large enough (and not shown in the footer).
        return not (action == "command_palette" and isinstance(self.screen, TooSmall))

    def enter_module(self, module_id: str | None) -> None:
        """Called as screens come forward: study time goes to the module being left."""
        owed = self.clock.enter(module_id)
        if owed is not None:
            self.session.add_time(*owed)

    # -- places ----------------------------------------------------------------------------

    def open_place(self, place: Place, replace: Screen[None] | None = None) -> None:
        """Show a lesson, quiz or exercise: back to it if it is open, else a new screen."""
        from dlpath.tui.screens.exercise import ExerciseScreen
        from dlpath.tui.screens.lesson import LessonScreen
        from dlpath.tui.screens.quiz import QuizScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, LessonScreen) and place.kind == LESSON:
                same = screen.module.id == place.module_id
            elif isinstance(screen, ExerciseScreen) and place.kind == EXERCISE:
                same = screen.exercise.key == f"{place.module_id}/{place.item_id}"
            elif isinstance(screen, QuizScreen) and place.kind == QUIZ:
                same = screen.module.id == place.module_id
            else:
                same = False
            if same:
                self._pop_to(screen)
                if isinstance(screen, LessonScreen):
                    self.call_later(screen.go_to, place.item_id)
                return
        module = self.session.curriculum.module(place.module_id)
        new: Screen[None]
        if place.kind == LESSON:
            new = LessonScreen(module, place.item_id)
        elif place.kind == EXERCISE:
            new = ExerciseScreen(self.session.exercise(place.module_id, place.item_id))
        else:
            new = QuizScreen(module)
        if replace is not None and replace is self.screen:
            self.switch_screen(new)
        else:
            self.push_screen(new)

    def _pop_to(self, screen: Screen[None]) -> None:
        while self.screen is not screen and len(self.screen_stack) > 1:
            self.pop_screen()

    def _home(self) -> HomeScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)

    def action_show_home(self) -> None:
        home = self._home()
        if home is not None:
            self._pop_to(home)

    def show_module(self, module_id: str) -> None:
        home = self._home()
        if home is None:
            return
        self._pop_to(home)
        home.highlight_module(module_id)

    def action_resume(self) -> None:
        target = self.session.resume_place()
        if target is None:
            self.notify("Your track is done: build your portfolio project with `dlpath new`.")
        else:
            self.open_place(target)

    def _show_single(self, kind: type[TutorScreen]) -> None:
        existing = next((s for s in self.screen_stack if isinstance(s, kind)), None)
        if existing is not None:
            self._pop_to(existing)
        else:
            self.push_screen(kind())

    def action_show_progress(self) -> None:
        from dlpath.tui.screens.progress import ProgressScreen

        self._show_single(ProgressScreen)

    def action_show_settings(self) -> None:
        from dlpath.tui.screens.settings import SettingsScreen

        self._show_single(SettingsScreen)

    def refresh_screens(self) -> None:
        """After a change of settings or workspace, every open screen redraws what it shows."""
        for screen in self.screen_stack:
            if isinstance(screen, TutorScreen) and screen.is_mounted:
                screen.refresh_state()

    # -- the workspace ---------------------------------------------------------------------

    def offer_workspace(self) -> None:
        self.push_screen(WorkspaceOffer(self.session.offer_root), callback=self._workspace_chosen)

    def _workspace_chosen(self, root: Path | None) -> None:
        if root is None:
            self.notify("Lessons and quizzes work without a workspace; exercises need one.")
            return
        try:
            report = self.session.create_workspace(root)
        except WorkspaceError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        assert self.session.workspace is not None
        self.notify(
            f"Workspace ready at {self.session.workspace.root}: "
            f"{len(report.created)} exercise file(s) created."
        )
        self.refresh_screens()

    # -- leaving ---------------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.session.engine.cancel()
        self.enter_module(None)
        self.exit()


def create_app(
    *,
    curriculum: Curriculum | None = None,
    store: ProgressStore | None = None,
    engine: CheckEngine | None = None,
    workspace: Path | None = None,
) -> TutorApp:
    """Build the tutor. Whatever is not given is loaded as `dlpath` does it.

    ``workspace`` is an explicit folder (like ``--workspace``); without it the workspace is found
    the CLI's way. ``engine`` replaces the check runner (tests pass a fake one).
    """
    session = Session.open(curriculum, store, engine, workspace)
    return TutorApp(session)
