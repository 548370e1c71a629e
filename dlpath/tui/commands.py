"""The command palette: jump to any module, lesson, quiz or exercise, settings and progress."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from dlpath.tui.places import EXERCISE, LESSON, QUIZ, Place

if TYPE_CHECKING:
    from dlpath.tui.app import TutorApp

Entry = tuple[str, str, Callable[[], Any]]  # what it shows, its help line, what it does


class TutorCommands(Provider):
    """Every place of the curriculum, the tutor's screens, and the current screen's actions."""

    def entries(self) -> list[Entry]:
        app = cast("TutorApp", self.app)
        session = app.session
        found: list[Entry] = [
            ("Continue where you left off", "open the next step on your path", app.action_resume),
            ("Home: your path", "the modules of your track", app.action_show_home),
            (
                "Progress",
                "checks passed, quiz scores, time spent, run history",
                app.action_show_progress,
            ),
            ("Settings", "track, device, weekly hours", app.action_show_settings),
        ]
        screen = self.screen
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.show:
                if screen.check_action(binding.action, ()) is not True:
                    continue
                found.append(
                    (
                        f"{binding.description} (on this screen)",
                        f"key: {binding.key.split(',')[0]}",
                        partial(screen.run_action, binding.action),
                    )
                )
        for module in session.curriculum.modules:
            found.append(
                (f"Module: {module.title}", module.summary, partial(app.show_module, module.id))
            )
            for lesson in module.lessons:
                found.append(
                    (
                        f"Lesson: {module.title} › {lesson.title}",
                        "read the lesson",
                        partial(app.open_place, Place(LESSON, module.id, lesson.id)),
                    )
                )
            if module.quiz:
                found.append(
                    (
                        f"Quiz: {module.title}",
                        f"{len(module.quiz)} questions",
                        partial(app.open_place, Place(QUIZ, module.id)),
                    )
                )
            for exercise in module.exercises:
                found.append(
                    (
                        f"Exercise: {exercise.title} ({exercise.key})",
                        "task, your file, its check",
                        partial(app.open_place, Place(EXERCISE, module.id, exercise.id)),
                    )
                )
        return found

    async def discover(self) -> Hits:
        for text, help_text, command in self.entries():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self.entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
