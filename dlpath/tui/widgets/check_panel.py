"""The running check: a status line with a progress bar, the live loss plot, the verdict."""

from __future__ import annotations

import math
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from dlpath.engine.verdict import Verdict
from dlpath.tui.plotting import ratio_bar, short_number
from dlpath.tui.widgets.loss_plot import LossPlot
from dlpath.tui.widgets.verdict_panel import VerdictPanel

LOG_LINES = 3


class CheckPanel(Vertical):
    """Shows one check at a time: starting, training (live), then its verdict."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step = 0
        self.total = 0
        self.figures: dict[str, float] = {}
        self.logs: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="run-status")
        yield Static(id="run-log")
        yield LossPlot(id="loss-plot")
        yield VerdictPanel(id="verdict")

    def on_mount(self) -> None:
        self._show_plot()

    def _show_plot(self) -> None:
        """The loss plot only once the check has reported a loss; the verdict gets its room."""
        drawn = bool(self.plot.points)
        self.plot.display = drawn
        self.set_class(not drawn, "-no-plot")

    @property
    def plot(self) -> LossPlot:
        return self.query_one(LossPlot)

    @property
    def verdict_panel(self) -> VerdictPanel:
        return self.query_one(VerdictPanel)

    def _status(self, content: Content | str) -> None:
        self.query_one("#run-status", Static).update(content)

    def _log(self) -> None:
        log = self.query_one("#run-log", Static)
        log.display = bool(self.logs)
        log.update(Content.styled("\n".join(self.logs[-LOG_LINES:]), "$text-muted"))

    def idle(self, message: str) -> None:
        self._status(Content.styled(message, "$text-muted"))

    def starting(self, exercise_title: str) -> None:
        self.step = self.total = 0
        self.figures = {}
        self.logs = []
        self._log()
        self.plot.reset()
        self._show_plot()
        self.verdict_panel.clear_verdict()  # empty: hidden until the verdict
        self._status(
            Content.assemble(
                ("● Running ", "bold $accent"),
                exercise_title,
                ("  (c cancels)", "$text-muted"),
            )
        )

    def apply(self, events: list[dict[str, Any]]) -> None:
        """Take a batch of engine events: one redraw for all of them."""
        points: list[tuple[float, float]] = []
        for event in events:
            kind = event.get("event")
            if kind == "progress":
                self.step = int(event.get("step") or 0)
                self.total = int(event.get("total") or 0)
                loss = event.get("loss")
                if loss is not None:
                    self.figures["loss"] = float(loss)
                    points.append((float(self.step), float(loss)))
                if event.get("metric") is not None:
                    self.figures[event.get("metric_name") or "metric"] = float(event["metric"])
            elif kind == "log":
                self.logs.append(str(event.get("message", "")))
                self.logs = self.logs[-LOG_LINES:]
        if points or self.total:
            self.plot.extend(points, total=self.total or None)
            if points and not self.plot.display:
                self._show_plot()
        if self.logs:
            self._log()
        if self.total:
            self._status(self._training_line())

    def _training_line(self) -> Content:
        fraction = self.step / self.total if self.total else 0.0
        figures = "  ".join(
            f"{name} {short_number(value) if math.isfinite(value) else value}"
            for name, value in self.figures.items()
        )
        return Content.assemble(
            ("● Training ", "bold $accent"),
            (ratio_bar(fraction, 12), "$accent"),
            f" {fraction:4.0%}  step {self.step}/{self.total}  ",
            (figures, "bold"),
        )

    def finished(
        self, verdict: Verdict, hints_left: int, hints_total: int, can_compare: bool
    ) -> None:
        if verdict.layer == "cancelled":
            self._status(Content.styled("■ Stopped", "bold $warning"))
        elif verdict.passed:
            self._status(Content.styled("✔ Passed", "bold $success"))
        else:
            self._status(Content.styled("✘ Failed", "bold $error"))
        self.verdict_panel.show_verdict(verdict, hints_left, hints_total, can_compare)
