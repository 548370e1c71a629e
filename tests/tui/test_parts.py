"""The tutor's UI-free parts: plots, diffs, the editor command, the study clock, the event feed,
where to continue, and the serialized engine."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from tui.fakes import FakeEngine

from dlpath.progress.store import open_store
from dlpath.tui.diffing import side_by_side, unified
from dlpath.tui.editor import editor_command, run_editor
from dlpath.tui.engine import SerialEngine
from dlpath.tui.event_feed import EventFeed
from dlpath.tui.places import EXERCISE, LESSON, QUIZ, Place, following, resume
from dlpath.tui.plotting import (
    braille_plot,
    ratio_bar,
    short_number,
    stacked_column,
    value_range,
    wants_log_scale,
)
from dlpath.tui.session import Session
from dlpath.tui.study_clock import StudyClock


def test_braille_plot_draws_a_falling_line_corner_to_corner():
    rows = braille_plot([(0, 1.0), (1, 0.0)], width=4, height=2, x_range=(0, 1), y_range=(0, 1))
    assert len(rows) == 2 and all(len(row) == 4 for row in rows)
    # top-left dot of the first cell and bottom-right dot of the last cell are set
    assert ord(rows[0][0]) & 0x01
    assert ord(rows[1][3]) & 0x80
    assert rows[0][3] == chr(0x2800) and rows[1][0] == chr(0x2800)


def test_braille_plot_skips_non_finite_points_and_empty_sizes():
    rows = braille_plot([(0, 1.0), (1, float("nan")), (2, 0.5)], 3, 1, (0, 2), (0, 1))
    assert len(rows) == 1
    assert braille_plot([(0, 1.0)], 0, 3, (0, 1), (0, 1)) == []


def test_scales_and_numbers():
    assert wants_log_scale([10.0, 1.0, 0.01])
    assert not wants_log_scale([1.0, 0.5])
    assert not wants_log_scale([1.0, -1.0, 0.001])  # a log axis cannot show negatives
    low, high = value_range([1.0, 1.0], log=False)
    assert low < 1.0 < high
    assert value_range([100.0, 0.01], log=True) == (-2.0, 2.0)
    assert short_number(0.012345) == "0.01235" and short_number(1.5e-5) == "1.50e-05"


def test_ratio_bar_fills_in_eighths():
    assert ratio_bar(0.0, 4) == "░░░░"
    assert ratio_bar(1.0, 4) == "████"
    assert ratio_bar(0.5, 3) == "█▌░"
    assert len(ratio_bar(0.37, 10)) == 10


def test_stacked_column_puts_passed_below_failed():
    cells = stacked_column(lower=1, total=2, peak=2, height=2)
    assert cells == [("█", "upper"), ("█", "lower")]
    assert stacked_column(0, 0, 0, 3) == [(" ", "")] * 3
    assert stacked_column(0, 1, 100, 2)[-1][1] == "upper"  # one run never looks like none


def test_side_by_side_pairs_changed_lines():
    rows = side_by_side(["a", "b", "c"], ["a", "B", "c", "d"])
    assert [row.tag for row in rows] == ["equal", "replace", "equal", "insert"]
    assert rows[1].left == "b" and rows[1].right == "B"
    assert rows[3].left is None and rows[3].right_number == 4
    assert unified(["x"], ["y"], "mine", "ref")[:2] == ["--- mine", "+++ ref"]


def test_editor_command_prefers_visual_then_editor(tmp_path):
    path = tmp_path / "f.py"
    assert editor_command(path, {"VISUAL": "code --wait", "EDITOR": "vi"}) == [
        "code",
        "--wait",
        str(path),
    ]
    assert editor_command(path, {"EDITOR": "nano"}) == ["nano", str(path)]


def test_run_editor_reports_an_editor_that_cannot_start_instead_of_raising(tmp_path):
    problem = run_editor(["/nonexistent/editor", str(tmp_path / "f.py")])
    assert problem is not None and problem.startswith("/nonexistent/editor did not start")
    assert "$EDITOR" in problem
    assert run_editor([sys.executable, "-c", "pass"]) is None


def test_a_long_module_summary_is_cut_at_a_word():
    from dlpath.tui.screens.home import first_sentence

    assert first_sentence("Short. And more.") == "Short."
    cut = first_sentence("word " * 60, limit=40)
    assert cut.endswith("word…") and len(cut) <= 40


def test_study_clock_cuts_idle_gaps_and_pays_the_module_left():
    now = [0.0]
    clock = StudyClock(idle=60, now=lambda: now[0])
    assert clock.enter("basics") is None
    now[0] = 30
    clock.touch()
    now[0] = 1000  # a long pause counts as the idle limit only
    assert clock.enter("advanced") == ("basics", 90)
    now[0] = 1010
    assert clock.enter(None) == ("advanced", 10)
    now[0] = 2000
    assert clock.enter("basics") is None  # time outside a module is nobody's


def test_event_feed_wakes_once_per_batch():
    wakes = []
    feed = EventFeed(lambda: wakes.append(1))
    for step in range(100):
        feed.push({"event": "progress", "step": step})
    assert len(wakes) == 1
    assert len(feed.drain()) == 100 and feed.drain() == []
    feed.push({"event": "log"})
    assert len(wakes) == 2


def test_resume_follows_the_path_and_a_failure_comes_first(curriculum, workspace):
    store = open_store()
    session = Session(curriculum, store, workspace, workspace.root)
    assert session.resume_place() == Place(LESSON, "basics", "adding")
    store.mark_lesson_read("basics", "adding")
    store.mark_lesson_read("basics", "lines")
    assert session.resume_place() == Place(EXERCISE, "basics", "add")
    from dlpath.engine.verdict import Verdict
    from dlpath.workspace import file_hash

    fit_line = curriculum.find_exercise("fit_line")
    assert fit_line is not None
    learner = workspace.file_for(fit_line)
    learner.write_text("def build_model():\n    return None\n")  # started: no longer the stub
    digest = file_hash(learner)
    session.record_run(fit_line, Verdict(fit_line.key, False, "values", "no"), digest, 0)
    assert session.resume_place() == Place(EXERCISE, "basics", "fit_line")
    assert following(curriculum, Place(LESSON, "basics", "lines"), session.modules()) == Place(
        QUIZ, "basics"
    )
    progress = session.progress()
    assert resume(progress, store.lessons_read()) == session.resume_place()
    store.close()


def test_cancelled_runs_are_not_recorded(curriculum, workspace):
    from dlpath.engine.verdict import Verdict

    store = open_store()
    session = Session(curriculum, store, workspace, workspace.root)
    add = curriculum.find_exercise("add")
    assert add is not None
    session.record_run(add, Verdict(add.key, False, "cancelled", "cancelled"), "abc", 0)
    assert store.runs() == []
    store.close()


def test_serial_engine_runs_one_at_a_time_and_a_queued_run_can_be_cancelled():
    fake = FakeEngine(steps=2, hold=True)
    serial = SerialEngine(lambda: fake)
    results = []
    first = threading.Thread(
        target=lambda: results.append(serial.run("m/a", Path("c"), Path("l"), Path("d"), 5))
    )
    first.start()
    assert fake.started.wait(5)
    second = threading.Thread(
        target=lambda: results.append(serial.run("m/b", Path("c"), Path("l"), Path("d"), 5))
    )
    second.start()
    serial.cancel()  # stops the first; the second, still waiting, never starts
    first.join(5)
    second.join(5)
    assert [v.layer for v in results] == ["cancelled", "cancelled"]
    assert [call["exercise"] for call in fake.calls] == ["m/a"]
    assert serial.probe_devices()["cpu"] is True
