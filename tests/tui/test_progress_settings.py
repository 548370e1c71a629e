"""The progress screen (per module: checks, quiz, time; run history; a chart) and settings."""

from __future__ import annotations

import time

from tui.fakes import FakeEngine
from tui.pilot_support import drive, text_of, wait_for_screen, wait_until

from dlpath.progress.store import CheckRun
from dlpath.tui.screens.home import HomeScreen
from dlpath.tui.screens.progress import ProgressScreen, days_of, spent
from dlpath.tui.screens.settings import SettingsScreen
from dlpath.tui.widgets.activity_chart import ActivityChart
from dlpath.workspace import file_hash


def run(exercise: str, passed: bool, ago: float = 0.0, digest: str = "") -> CheckRun:
    return CheckRun(
        exercise,
        passed,
        None if passed else "values",
        "" if passed else "wrong",
        {},
        "cpu",
        1.25,
        time.time() - ago,
        digest,
    )


def test_progress_shows_checks_quiz_time_and_history(make_app, workspace, curriculum):
    app = make_app()
    store = app.session.store
    learner = workspace.file_for(curriculum.find_exercise("add"))
    learner.write_text("def add(a, b):\n    return a + b\n")  # no longer the stub: started
    digest = file_hash(learner)
    store.record_run(run("basics/add", False, ago=86_400, digest=digest))
    store.record_run(run("basics/add", True, digest=digest))
    store.record_answer("basics", "two-plus-two", "b", True)
    store.add_time("basics", 3_900)

    async def scenario(pilot):
        await pilot.press("p")
        screen = await wait_for_screen(pilot, ProgressScreen)
        table = screen.query_one("#module-table")
        basics = [str(cell) for cell in table.get_row("basics")]
        assert basics == ["◐ 1. Basics", "0/2", "1/2", "1/3", "1 h 05 min"]
        history = screen.query_one("#runs-table")
        assert history.row_count == 2
        assert [str(c) for c in history.get_row_at(0)][1:3] == ["add", "pass"]
        detail = text_of(screen.query_one("#run-detail"))
        assert "basics/add passed" in detail and "1.2 s on cpu" in detail
        chart = screen.query_one(ActivityChart)
        assert sum(d.passed for d in chart.days) == 1 and sum(d.failed for d in chart.days) == 1
        assert "1/3 checks passed" in text_of(screen.query_one("#progress-summary"))
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)

    drive(app, scenario)


def test_progress_fits_80_columns_and_a_long_message_is_shown_whole_below(make_app, curriculum):
    from dataclasses import replace

    long_title = "A module title as long as the real ones, about seventy characters long"
    first, *others = curriculum.modules  # the fixture pack's titles are short: make one long
    app = make_app(
        curriculum=replace(curriculum, modules=(replace(first, title=long_title), *others))
    )
    store = app.session.store
    message = "your loss went down but only to 0.31; " + "it must reach 0.05 on held-out data " * 3
    store.record_run(replace(run("basics/fit_line", False), message=message.strip()))
    store.record_run(run("basics/add", True))

    async def scenario(pilot):
        await pilot.press("p")
        screen = await wait_for_screen(pilot, ProgressScreen)
        for table_id in ("#module-table", "#runs-table"):
            table = screen.query_one(table_id)
            assert table.virtual_size.width <= table.scrollable_content_region.width, table_id
        label = str(screen.query_one("#module-table").get_row_at(0)[0])
        assert label.endswith("…") and len(label) <= 28
        history = screen.query_one("#runs-table")
        cut = str(history.get_row_at(1)[-1])
        assert cut.endswith("…") and len(cut) <= 20
        history.focus()
        await pilot.press("down")
        await wait_until(pilot, lambda: "held-out data" in text_of(screen.query_one("#run-detail")))
        assert message.strip() in text_of(screen.query_one("#run-detail"))

    drive(app, scenario, size=(80, 24))


def test_time_in_a_module_is_recorded_when_leaving_it(make_app):
    app = make_app()
    store = app.session.store

    async def scenario(pilot):
        await pilot.press("enter", "enter")  # the first lesson of Basics
        clock = app.clock
        await wait_until(pilot, lambda: clock.module == "basics")
        clock._last -= 42  # as if the learner read for 42 seconds before the next key
        await pilot.press("escape")
        await wait_until(pilot, lambda: store.time_spent().get("basics", 0) >= 42)

    drive(app, scenario)


def test_scrolling_with_the_mouse_wheel_counts_as_study(make_app):
    from textual import events

    app = make_app()

    async def scenario(pilot):
        await pilot.press("enter", "enter")  # the first lesson of Basics
        clock = app.clock
        await wait_until(pilot, lambda: clock.module == "basics")
        clock._last -= 42  # the last key was 42 s ago; since then the learner scrolled
        before = clock._last
        app.post_message(events.MouseScrollDown(None, 10, 10, 0, 1, 0, False, False, False))
        await wait_until(pilot, lambda: clock._last > before + 40)

    drive(app, scenario)


def test_study_time_and_days_read_as_people_say_them():
    assert spent(0) == "-" and spent(30) == "under a minute" and spent(720) == "12 min"
    from datetime import date

    days = days_of([run("a/b", True, ago=0)], date.today(), count=3)
    assert [d.passed for d in days] == [0, 0, 1]


def test_the_device_note_names_the_checks_thread_setting():
    from dlpath.tui.screens.settings import devices_text

    one = devices_text({"cpu": True, "threads": 1, "cuda": False, "mps": False}).plain
    assert one == "Found: CPU · not found: CUDA, MPS · checks use 1 thread"


def test_settings_list_devices_and_save_track_device_and_hours(make_app):
    engine = FakeEngine(
        devices={"cpu": True, "cuda": True, "cuda_name": "Fake GPU", "mps": False, "threads": 8}
    )
    app = make_app(engine=engine)
    store = app.session.store

    async def scenario(pilot):
        await pilot.press("s")
        screen = await wait_for_screen(pilot, SettingsScreen)
        assert app.focused is screen.query_one("#track")  # keys work at once
        note = screen.query_one("#device-note")
        await wait_until(pilot, lambda: "Found" in text_of(note))
        assert "CUDA: Fake GPU" in text_of(note) and "not found: MPS" in text_of(note)
        assert "checks use 8 threads" in text_of(note)
        assert screen.query_one("#device-mps").disabled
        assert not screen.query_one("#device-cuda").disabled
        assert str(screen.query_one("#workspace-line").render()).endswith("ws")
        await pilot.click("#track-1")  # "Short: The basics only."
        await pilot.click("#device-cuda")
        hours = screen.query_one("#weekly-hours")
        hours.value = "0"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SettingsScreen)  # refused: out of range
        hours.value = "10"
        await pilot.press("ctrl+s")
        home = await wait_for_screen(pilot, HomeScreen)
        assert [o.id for o in home.query_one("#modules").options] == ["basics"]
        assert "10 h/week" in text_of(home.query_one("#overall"))

    drive(app, scenario)
    assert store.setting("track") == "short"
    assert store.setting("device") == "cuda" and engine.device_preference == "cuda"
    assert store.setting("weekly_hours") == "10"
