"""Dialogs: create the workspace, a notice to acknowledge, and the terminal-too-small screen."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Static


class WorkspaceOffer(ModalScreen[Path | None]):
    """Offers to create the workspace (the folder of the learner's exercise files)."""

    BINDINGS = [Binding("escape", "later", "Not now")]

    def __init__(self, suggested: Path) -> None:
        super().__init__()
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Create your workspace?", "bold"), classes="dialog-title")
            yield Static(
                "Your exercise files live in a workspace folder: one file per exercise, which "
                "you edit and dlpath checks. dlpath never overwrites your edits. Create it here "
                "(or type another folder):"
            )
            yield Input(str(self.suggested), id="workspace-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", id="create", variant="primary", compact=True)
                yield Button("Not now", id="later", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#create", Button).focus()

    @on(Button.Pressed, "#create")
    @on(Input.Submitted, "#workspace-path")
    def _create(self) -> None:
        value = self.query_one("#workspace-path", Input).value.strip()
        if not value:
            self.notify("Type a folder for the workspace.", severity="warning")
            return
        self.dismiss(Path(value).expanduser())

    @on(Button.Pressed, "#later")
    def action_later(self) -> None:
        self.dismiss(None)


class Notice(ModalScreen[None]):
    """A message the learner must see once, such as a progress database that was moved aside."""

    BINDINGS = [Binding("escape,enter", "close", "OK")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.heading = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled(self.heading, "bold $warning"), classes="dialog-title")
            yield Static(self.message, id="notice-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)


class TooSmall(Screen[None]):
    """Shown instead of a broken layout while the terminal is smaller than the tutor needs."""

    def __init__(self, need: tuple[int, int], size: tuple[int, int]) -> None:
        super().__init__()
        self.need = need
        self.size_now = size

    def compose(self) -> ComposeResult:
        with Center(id="too-small"):
            yield Static(id="too-small-text")
        yield Footer()

    def on_mount(self) -> None:
        self.show_size(*self.size_now)

    def on_screen_resume(self) -> None:
        """Back on top after a screen above it closed: close too if the terminal has grown."""
        width, height = self.app.size
        if width >= self.need[0] and height >= self.need[1] and self.app.screen is self:
            self.app.pop_screen()

    def show_size(self, width: int, height: int) -> None:
        self.size_now = (width, height)
        need_w, need_h = self.need
        for text in self.query("#too-small-text").results(Static):  # none until composed
            text.update(
                Content.assemble(
                    ("Terminal too small", "bold $warning"),
                    f"\n\ndlpath needs {need_w} x {need_h}; this one is {width} x {height}.\n",
                    "Enlarge the window (or shrink the font), or press q to quit.",
                )
            )
