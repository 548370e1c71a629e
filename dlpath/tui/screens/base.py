"""What every tutor screen shares: the session, and counting study time per module."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from dlpath.tui.session import Session

if TYPE_CHECKING:
    from dlpath.tui.app import TutorApp


class TutorScreen(Screen[None]):
    """A full screen of the tutor; ``module_id`` is the module whose time it counts, if any."""

    module_id: str | None = None

    @property
    def tutor(self) -> TutorApp:
        return cast("TutorApp", self.app)

    @property
    def session(self) -> Session:
        return self.tutor.session

    @property
    def is_open(self) -> bool:
        """False once the screen was closed, maybe before it finished opening (keys typed ahead)."""
        return self.is_attached and self in self.app.screen_stack

    def watch_title(self) -> None:
        self._show_heading()

    def watch_sub_title(self) -> None:
        self._show_heading()

    def _show_heading(self) -> None:
        from dlpath.tui.widgets.title_bar import TitleBar

        for bar in self.query(TitleBar):
            bar.show(self.title or "", self.sub_title or "")

    def on_screen_resume(self) -> None:
        self.tutor.enter_module(self.module_id)
        self.tutor.guard_size()  # a screen opened while the terminal is too small stays covered

    def refresh_state(self) -> None:
        """Redraw what depends on the progress store, settings or workspace."""
