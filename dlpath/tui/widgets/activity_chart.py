"""Check runs per day as stacked columns: passed below, failed above."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from dlpath.tui.plotting import stacked_column

COLUMN = 3  # cells per day: two for the bar, one gap
PART_STYLE = {"lower": "$success", "upper": "$error", "both": "$success on $error", "": ""}


@dataclass(frozen=True)
class Day:
    label: str  # shown under the column, at most two characters
    passed: int
    failed: int


class ActivityChart(Widget):
    """A small column chart of recent days; it says at a glance how practice is going."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.days: list[Day] = []

    def set_days(self, days: list[Day]) -> None:
        self.days = days
        self.refresh()

    def render(self) -> RenderResult:
        width, height = self.content_size
        if not any(day.passed or day.failed for day in self.days):
            return Content.styled("No check has run in these days yet.", "$text-muted")
        days = self.days[-max(1, (width - 4) // COLUMN) :]
        peak = max(day.passed + day.failed for day in days)
        bar_height = max(1, height - 1)
        columns = [
            stacked_column(day.passed, day.passed + day.failed, peak, bar_height) for day in days
        ]
        lines = []
        for row in range(bar_height):
            label = f"{peak:>3} " if row == 0 else "    "
            pieces: list[tuple[str, str] | str] = [(label, "$text-muted")]
            for cells in columns:
                char, part = cells[row]
                pieces.append((char * (COLUMN - 1), PART_STYLE[part]))
                pieces.append(" ")
            lines.append(Content.assemble(*pieces))
        lines.append(
            Content.styled(
                "    " + "".join(day.label.rjust(COLUMN - 1)[:2] + " " for day in days),
                "$text-muted",
            )
        )
        return Content("\n").join(lines)
