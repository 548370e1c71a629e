"""A lesson: its Markdown with highlighted code; next and previous; reading is recorded."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Markdown, Static

from dlpath.curriculum.model import Module
from dlpath.tui.places import LESSON, Place, following
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.title_bar import TitleBar


class LessonScreen(TutorScreen):
    BINDINGS = [
        Binding("n", "next", "Next"),
        Binding("p", "previous", "Previous"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, module: Module, lesson_id: str) -> None:
        super().__init__()
        self.module = module
        self.module_id = module.id
        self.index = next(i for i, x in enumerate(module.lessons) if x.id == lesson_id)
        self._showing = 0  # counts show_lesson calls, so a late one wins
        self.settled = False
        """True once the lesson shown is laid out. Read detection waits for it: while another
        lesson loads, the scroll position and its maximum still belong to the previous text."""

    @property
    def place(self) -> Place:
        return Place(LESSON, self.module.id, self.module.lessons[self.index].id)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="lesson-scroll"):
            yield Markdown(id="lesson-text")
        with Horizontal(id="lesson-nav"):
            yield Button("◀ Previous", id="previous", compact=True)
            yield Static(id="lesson-state")
            yield Button("Next ▶", id="next", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        self.watch(self.query_one("#lesson-scroll"), "scroll_y", self._check_read, init=False)
        await self.show_lesson()

    async def show_lesson(self) -> None:
        if not self.is_open:
            return
        self._showing += 1
        showing = self._showing
        self.settled = False
        scroll = self.query_one("#lesson-scroll", VerticalScroll)
        scroll.scroll_home(animate=False, immediate=True)  # stops a scroll still animating
        lesson = self.module.lessons[self.index]
        self.title = lesson.title
        self.sub_title = (
            f"lesson {self.index + 1} of {len(self.module.lessons)} · {self.module.title}"
        )
        try:
            text = lesson.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            text = f"**This lesson cannot be read:** `{exc}`"
        await self.query_one(Markdown).update(text)
        if not self.is_open or showing != self._showing:
            return
        scroll.scroll_home(animate=False, immediate=True)
        self.query_one("#previous", Button).disabled = self.index == 0
        after = following(self.session.curriculum, self.place, self.session.modules())
        label = "Next ▶" if after is None or after.kind == LESSON else f"Next: {after.kind} ▶"
        self.query_one("#next", Button).label = label
        self.query_one("#next", Button).disabled = after is None
        self._show_state()
        scroll.focus()
        self.call_after_refresh(self._settle, showing)  # after the layout of the new text

    def _settle(self, showing: int) -> None:
        if showing == self._showing and self.is_open:
            self.settled = True
            self._check_read()  # a lesson that fits on the screen is read at once

    def _is_read(self) -> bool:
        return (self.module.id, self.module.lessons[self.index].id) in (
            self.session.store.lessons_read()
        )

    def _show_state(self) -> None:
        text = (
            Content.styled("✔ read", "$success")
            if self._is_read()
            else Content.styled("scroll to the end to mark it read", "$text-muted")
        )
        self.query_one("#lesson-state", Static).update(text)

    def _check_read(self) -> None:
        """Mark the lesson read once its end has been on screen."""
        if not self.is_open or not self.settled:
            return
        scroll = self.query_one("#lesson-scroll", VerticalScroll)
        if scroll.scroll_y >= scroll.max_scroll_y - 1 and not self._is_read():
            self.session.store.mark_lesson_read(self.module.id, self.module.lessons[self.index].id)
            self._show_state()

    async def go_to(self, lesson_id: str) -> None:
        index = next((i for i, x in enumerate(self.module.lessons) if x.id == lesson_id), None)
        if index is not None and index != self.index:
            self._check_read()
            self.index = index
            await self.show_lesson()

    async def action_next(self) -> None:
        self._check_read()
        if self.index + 1 < len(self.module.lessons):
            self.index += 1
            await self.show_lesson()
            return
        after = following(self.session.curriculum, self.place, self.session.modules())
        if after is None:
            self.notify("That was the last lesson of your path.")
            return
        self.tutor.open_place(after, replace=self)

    async def action_previous(self) -> None:
        if self.index > 0:
            self.index -= 1
            await self.show_lesson()

    @on(Button.Pressed, "#next")
    async def _next_pressed(self) -> None:
        await self.action_next()

    @on(Button.Pressed, "#previous")
    async def _previous_pressed(self) -> None:
        await self.action_previous()

    def action_back(self) -> None:
        self.app.pop_screen()
