"""A live plot of the training loss, drawn in braille dots as the check's progress arrives."""

from __future__ import annotations

import math

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from dlpath.tui.plotting import braille_plot, short_number, value_range, wants_log_scale

MAX_POINTS = 4000  # beyond this, every other point is dropped: the plot has fewer columns
LABEL_WIDTH = 9


class LossPlot(Widget):
    """Loss against training step; a log axis when the loss falls across decades."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.points: list[tuple[float, float]] = []
        self.total: int | None = None
        self.metric_name = "loss"

    def on_mount(self) -> None:
        self.border_title = "loss"

    def reset(self, total: int | None = None) -> None:
        self.points = []
        self.total = total
        self.refresh()

    def extend(self, points: list[tuple[float, float]], total: int | None = None) -> None:
        """Add ``(step, loss)`` points; one refresh however many arrive."""
        if total:
            self.total = total
        self.points.extend(points)
        if len(self.points) > MAX_POINTS:
            self.points = self.points[::2]
        self.refresh()

    @property
    def log_scale(self) -> bool:
        return wants_log_scale([y for _, y in self.points])

    def render(self) -> RenderResult:
        width, height = self.content_size
        if not self.points:
            return Content.styled(
                "The loss is drawn here while a check trains a model.", "$text-muted"
            )
        log = self.log_scale
        ys = [y for _, y in self.points]
        low, high = value_range(ys, log)
        plot_width = max(1, width - LABEL_WIDTH - 1)
        plot_height = max(1, height - 1)
        first_step = self.points[0][0]
        last_step = float(self.total or self.points[-1][0])
        if last_step <= first_step:
            last_step = first_step + 1
        shown = [
            (x, math.log10(y) if log and y > 0 else (y if not log else math.nan))
            for x, y in self.points
        ]
        rows = braille_plot(shown, plot_width, plot_height, (first_step, last_step), (low, high))
        top = 10**high if log else high
        bottom = 10**low if log else low
        lines: list[Content] = []
        for index, row in enumerate(rows):
            if index == 0:
                label = short_number(top)
            elif index == len(rows) - 1:
                label = short_number(bottom)
            elif index == len(rows) // 2 and len(rows) > 4:
                middle = (high + low) / 2
                label = short_number(10**middle if log else middle)
            else:
                label = ""
            lines.append(
                Content.assemble(
                    (label.rjust(LABEL_WIDTH - 1)[: LABEL_WIDTH - 1] + " ", "$text-muted"),
                    ("│", "$text-muted"),
                    (row, "$accent"),
                )
            )
        left = f"{first_step:g}"
        right = f"step {last_step:g}"
        scale = " log" if log else ""
        gap = max(1, plot_width - len(left) - len(right))
        axis = (" " * (LABEL_WIDTH - 1 - len(scale))) + scale + " └" + left + " " * gap + right
        lines.append(Content.styled(axis[:width], "$text-muted"))
        return Content("\n").join(lines)
