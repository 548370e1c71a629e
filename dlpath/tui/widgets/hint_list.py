"""The hints of an exercise that the learner has revealed, one at a time."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class HintList(Static):
    """Revealed hints, newest last, and how many remain."""

    def show_hints(self, hints: tuple[str, ...], revealed: int) -> None:
        if not hints:
            self.update(Content.styled("This exercise has no hints.", "$text-muted"))
            return
        lines = [
            Content.assemble((f"Hint {n} of {len(hints)}: ", "bold"), text)
            for n, text in enumerate(hints[:revealed], start=1)
        ]
        if revealed < len(hints):
            lines.append(
                Content.styled(
                    f"Press h to reveal hint {revealed + 1} of {len(hints)} (it is recorded).",
                    "$text-muted",
                )
            )
        else:
            lines.append(
                Content.styled(
                    "That is every hint; the lesson's worked example is the next place to look.",
                    "$text-muted",
                )
            )
        self.update(Content("\n\n").join(lines))
