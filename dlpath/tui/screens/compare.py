"""The learner's file beside the reference solution, after their check has passed."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.widgets import Footer, Static

from dlpath.curriculum.model import Exercise
from dlpath.tui.diffing import Row, side_by_side, similarity, unified
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.title_bar import TitleBar

PAD = 160  # changed lines are padded so their background spans the column
ROW_STYLE = {
    "equal": ("", ""),
    "replace": ("on $error-muted", "on $success-muted"),
    "delete": ("on $error-muted", ""),
    "insert": ("", "on $success-muted"),
}


def _lines(text: str) -> list[Content]:
    return highlight(text, language="python").split("\n") if text else []


def column(rows: list[Row], highlighted: list[Content], side: str) -> Content:
    """One side of the side-by-side view, with line numbers and change backgrounds."""
    out = []
    for row in rows:
        number = row.left_number if side == "left" else row.right_number
        style = ROW_STYLE[row.tag][0 if side == "left" else 1]
        if number is None:
            line = Content.styled("·" * PAD, "$text-disabled")
        else:
            line = highlighted[number - 1] if number - 1 < len(highlighted) else Content("")
            line = Content.assemble((f"{number:>3} ", "$text-muted"), line)
            if style:
                line = line.pad_right(PAD - line.cell_length).stylize_before(style)
        out.append(line)
    return Content("\n").join(out)


class CompareScreen(TutorScreen):
    BINDINGS = [
        Binding("u", "toggle_unified", "Unified diff"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, exercise: Exercise, learner_file: Path) -> None:
        super().__init__()
        self.exercise = exercise
        self.module_id = exercise.module_id
        self.learner_file = learner_file
        self.unified_view = False
        self.mine = learner_file.read_text(encoding="utf-8", errors="replace")
        self.reference = exercise.solution.read_text(encoding="utf-8", errors="replace")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="compare-summary")
        with VerticalScroll(id="compare-scroll"):
            with Horizontal(id="compare-columns"):
                yield Static(id="compare-left", classes="code compare-column")
                yield Static(id="compare-right", classes="code compare-column")
            yield Static(id="compare-unified", classes="code")
        yield Footer()

    def on_mount(self) -> None:
        if not self.is_open:
            return
        self.title = f"Compare › {self.exercise.title}"
        self.sub_title = "your file (left) and the reference solution (right)"
        mine, reference = self.mine.splitlines(), self.reference.splitlines()
        rows = side_by_side(mine, reference)
        self.query_one("#compare-left", Static).update(column(rows, _lines(self.mine), "left"))
        self.query_one("#compare-right", Static).update(
            column(rows, _lines(self.reference), "right")
        )
        changed = sum(row.tag != "equal" for row in rows)
        self.query_one("#compare-summary", Static).update(
            Content.assemble(
                ("Your file", "bold"),
                f" {self.exercise.workspace_relpath}  ·  ",
                ("reference", "bold"),
                f" {self.exercise.solution.name}  ·  {changed} line(s) differ, "
                f"{similarity(mine, reference):.0%} alike",
            )
        )
        diff = unified(mine, reference, "your file", "reference")
        styles = {"+": "$success", "-": "$error", "@": "$accent"}
        self.query_one("#compare-unified", Static).update(
            Content("\n").join(Content.styled(line, styles.get(line[:1], "")) for line in diff)
            if diff
            else Content("The two files are identical.")
        )
        self._show()

    def _show(self) -> None:
        self.query_one("#compare-columns").display = not self.unified_view
        self.query_one("#compare-unified").display = self.unified_view

    def action_toggle_unified(self) -> None:
        self.unified_view = not self.unified_view
        self._show()

    def action_back(self) -> None:
        self.app.pop_screen()
