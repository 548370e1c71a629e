"""Where the learner stands: per module, checks passed, quiz scores, time spent; run history."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from dlpath.progress.store import CheckRun
from dlpath.tui.plotting import ratio_bar
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.activity_chart import ActivityChart, Day
from dlpath.tui.widgets.title_bar import TitleBar

HISTORY_DAYS = 14
HISTORY_RUNS = 50


def spent(seconds: float) -> str:
    """A study time as people say it: 1 h 05 min, 12 min, under a minute."""
    if seconds < 60:
        return "under a minute" if seconds > 0 else "-"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def days_of(runs: list[CheckRun], today: date, count: int = HISTORY_DAYS) -> list[Day]:
    """Runs per calendar day for the ``count`` days up to ``today``."""
    tally: dict[date, list[int]] = {}
    for run in runs:
        day = datetime.fromtimestamp(run.ran_at).date()
        tally.setdefault(day, [0, 0])[0 if run.passed else 1] += 1
    days = []
    for back in range(count - 1, -1, -1):
        day = today - timedelta(days=back)
        passed, failed = tally.get(day, [0, 0])
        days.append(Day(f"{day.day}", passed, failed))
    return days


class ProgressScreen(TutorScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="progress-body"):
            yield Static(id="progress-summary")
            yield DataTable(id="module-table", cursor_type="row", zebra_stripes=True)
            yield Static("Check runs per day (passed below, failed above)", classes="section")
            yield ActivityChart(id="activity")
            yield Static("Recent check runs", classes="section")
            yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        if not self.is_open:
            return
        self.title = "Your progress"
        self.refresh_state()

    def refresh_state(self) -> None:
        session = self.session
        progress = session.progress()
        spent_by_module = session.store.time_spent()
        summary = self.query_one("#progress-summary", Static)
        passed = sum(p.passed for p in progress.modules)
        total = sum(len(p.exercises) for p in progress.modules)
        summary.update(
            Content.assemble(
                ("Overall ", "bold"),
                (ratio_bar(progress.fraction, 20), "$accent"),
                f" {progress.fraction:.0%}  ·  {passed}/{total} checks passed  ·  "
                f"{spent(sum(spent_by_module.values()))} studied",
            )
        )
        table = self.query_one("#module-table", DataTable)
        table.clear(columns=True)
        table.add_columns("Module", "State", "Lessons", "Checks passed", "Quiz", "Time spent")
        for entry in progress.modules:
            module = entry.module
            quiz = (
                f"{entry.quiz_correct}/{len(module.quiz)} right"
                if entry.quiz_answered
                else ("-" if not module.quiz else "not taken")
            )
            table.add_row(
                module.title,
                entry.state,
                f"{entry.lessons_read}/{len(module.lessons)}",
                f"{entry.passed}/{len(module.exercises)}",
                quiz,
                spent(spent_by_module.get(module.id, 0.0)),
                key=module.id,
            )
        runs = session.store.runs(limit=1000)
        self.query_one(ActivityChart).set_days(days_of(runs, date.today()))
        history = self.query_one("#runs-table", DataTable)
        history.clear(columns=True)
        history.add_columns("When", "Exercise", "Result", "Layer", "Took", "Device", "Message")
        for run in runs[:HISTORY_RUNS]:
            history.add_row(
                time.strftime("%Y-%m-%d %H:%M", time.localtime(run.ran_at)),
                run.exercise,
                Content.styled("pass", "$success")
                if run.passed
                else Content.styled("fail", "$error"),
                run.layer or "",
                f"{run.duration:.1f} s",
                run.device,
                run.message[:60],
            )
        if not runs:
            history.add_row("-", "no check has run yet", "", "", "", "", "")

    def action_back(self) -> None:
        self.app.pop_screen()
