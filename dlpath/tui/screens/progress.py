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
from dlpath.tui.screens.home import STATE_ICON
from dlpath.tui.widgets.activity_chart import ActivityChart, Day
from dlpath.tui.widgets.title_bar import TitleBar

HISTORY_DAYS = 14
HISTORY_RUNS = 50
# Fixed column widths: at 80 x 24 every column of the module table is on screen, and the run
# history shows when, what, the result and the start of the message.
MODULE_COLUMNS = (
    ("Module", 28),
    ("Lessons", 7),
    ("Checks passed", 13),
    ("Quiz", 5),
    ("Time spent", 11),
)
RUN_COLUMNS = (
    ("When", 11),
    ("Exercise", 20),
    ("Result", 6),
    ("Layer", 9),
    ("Message", 20),
)


def clip(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` cells with an ellipsis when it is longer."""
    return Content(" ".join(text.split())).truncate(width, ellipsis=True).plain


def spent(seconds: float, short: bool = False) -> str:
    """A study time as people say it: 1 h 05 min, 12 min, under a minute (short: < 1 min)."""
    if seconds < 60:
        if seconds <= 0:
            return "-"
        return "< 1 min" if short else "under a minute"
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

    def __init__(self) -> None:
        super().__init__()
        self.shown_runs: list[CheckRun] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="progress-body"):
            yield Static(id="progress-summary")
            yield DataTable(id="module-table", cursor_type="row", zebra_stripes=True)
            yield Static("Check runs per day (passed below, failed above)", classes="section")
            yield ActivityChart(id="activity")
            yield Static("Recent check runs", classes="section")
            yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="run-detail")
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
        for label, width in MODULE_COLUMNS:
            table.add_column(label, width=width)
        for number, entry in enumerate(progress.modules, start=1):
            module = entry.module
            icon, style = STATE_ICON[entry.state]
            quiz = f"{entry.quiz_correct}/{len(module.quiz)}" if entry.quiz_answered else "-"
            table.add_row(
                Content.assemble(
                    (icon, style), " ", clip(f"{number}. {module.title}", MODULE_COLUMNS[0][1] - 2)
                ),
                f"{entry.lessons_read}/{len(module.lessons)}",
                f"{entry.passed}/{len(module.exercises)}",
                quiz if module.quiz else "",
                spent(spent_by_module.get(module.id, 0.0), short=True),
                key=module.id,
            )
        runs = session.store.runs(limit=1000)
        self.query_one(ActivityChart).set_days(days_of(runs, date.today()))
        history = self.query_one("#runs-table", DataTable)
        history.clear(columns=True)
        for label, width in RUN_COLUMNS:
            history.add_column(label, width=width)
        self.shown_runs = runs[:HISTORY_RUNS]
        for run in self.shown_runs:
            history.add_row(
                time.strftime("%m-%d %H:%M", time.localtime(run.ran_at)),
                clip(run.exercise.rpartition("/")[2], RUN_COLUMNS[1][1]),
                Content.styled("pass", "$success")
                if run.passed
                else Content.styled("fail", "$error"),
                run.layer or "",
                clip(run.message, RUN_COLUMNS[4][1]),
            )
        if not runs:
            history.add_row("-", "no check has run yet", "", "", "")
        self._show_run_detail(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "runs-table":
            self._show_run_detail(event.cursor_row)

    def _show_run_detail(self, row: int) -> None:
        """The whole record of the run under the cursor: its message is cut in the table."""
        detail = self.query_one("#run-detail", Static)
        if not 0 <= row < len(self.shown_runs):
            detail.update("")
            return
        run = self.shown_runs[row]
        result = "passed" if run.passed else f"failed ({run.layer})" if run.layer else "failed"
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run.ran_at))
        head = f"{when} · {run.exercise} {result} · {run.duration:.1f} s on {run.device}"
        lines = [Content.styled(head, "$text-muted")]
        if run.message:
            lines.append(Content(run.message))
        detail.update(Content("\n").join(lines))

    def action_back(self) -> None:
        self.app.pop_screen()
