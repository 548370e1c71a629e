"""Starting the tutor: first screen without torch, no workspace yet, a corrupt progress
database, a terminal too small, and the command palette."""

from __future__ import annotations

import json
import subprocess
import sys

from tui.pilot_support import drive, text_of, wait_for_screen, wait_until

from dlpath.tui.screens.dialogs import Notice, TooSmall, WorkspaceOffer
from dlpath.tui.screens.exercise import ExerciseScreen
from dlpath.tui.screens.home import HomeScreen
from dlpath.tui.screens.lesson import LessonScreen
from dlpath.tui.screens.settings import SettingsScreen

PROBE = """
import asyncio, json, sys, time
started = time.perf_counter()
from dlpath.tui.app import create_app
from dlpath.tui.screens.home import HomeScreen

async def main():
    app = create_app(workspace=None)
    async with app.run_test(size=(100, 32)) as pilot:
        while not any(isinstance(s, HomeScreen) and s.is_mounted for s in app.screen_stack):
            await asyncio.sleep(0.005)
        await pilot.pause()
        first = time.perf_counter() - started
        heavy = sorted(m for m in ("torch", "numpy", "sklearn", "scipy") if m in sys.modules)
        print(json.dumps({"first_screen": first, "heavy": heavy}))
    app.session.close()

asyncio.run(main())
"""


def test_first_screen_imports_no_torch_and_comes_quickly(curriculum):
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    assert report["first_screen"] < 5.0  # bench/bench_tui.py measures it; goal < 1 s


def test_start_without_a_terminal_is_one_line_and_no_escape_codes(pack, tmp_path):
    # stdin from /dev/null and stdout to a file, as in a script or a pipe: it must not hang
    with open(tmp_path / "out.txt", "w+b") as out:
        result = subprocess.run(
            [sys.executable, "-m", "dlpath", "start"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.PIPE,
            text=False,
            timeout=60,
        )
        out.seek(0)
        written = out.read()
    assert result.returncode == 1
    assert written == b""
    assert result.stderr.decode() == (
        "dlpath: error: dlpath start needs an interactive terminal; try `dlpath list`\n"
    )


def test_start_without_textual_names_the_package_and_how_to_install_it(monkeypatch, cli, pack):
    monkeypatch.setitem(sys.modules, "textual", None)  # `import textual` now fails
    result = cli("start")
    assert result.code == 1
    assert result.err.splitlines() == [
        "dlpath: error: the tutor needs the Python package `textual`, which is not installed: "
        f"run `{sys.executable} -m pip install textual`"
    ]


def test_no_workspace_is_offered_and_created_where_the_learner_says(make_app, tmp_path):
    target = tmp_path / "my-exercises"
    app = make_app(workspace=tmp_path / "suggested")

    async def scenario(pilot):
        offer = await wait_for_screen(pilot, WorkspaceOffer)
        assert offer.query_one("#workspace-path").value == str(tmp_path / "suggested")
        offer.query_one("#workspace-path").value = str(target)
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)
        assert any("Workspace ready" in str(n.message) for n in app._notifications)

    drive(app, scenario)
    assert (target / "exercises" / "basics" / "add.py").is_file()
    assert app.session.store.setting("workspace") == str(target.resolve())


def test_a_corrupt_progress_database_is_reported_and_a_clean_one_started(
    isolated_home, curriculum, workspace, engine
):
    from dlpath.tui.app import create_app

    (isolated_home / "progress.db").write_bytes(b"this is not a database" * 100)
    app = create_app(curriculum=curriculum, engine=engine, workspace=workspace.root)

    async def scenario(pilot):
        notice = await wait_for_screen(pilot, Notice)
        message = text_of(notice.query_one("#notice-message"))
        assert "progress.db.corrupt-" in message and "clean one" in message
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)

    drive(app, scenario)
    app.session.close()
    assert list(isolated_home.glob("progress.db.corrupt-*"))


def test_a_small_terminal_gets_a_message_until_it_grows(make_app):
    app = make_app()

    async def scenario(pilot):
        guard = await wait_for_screen(pilot, TooSmall)
        text = text_of(guard.query_one("#too-small-text"))
        assert "needs 80 x 24" in text and "70 x 20" in text
        await pilot.resize_terminal(100, 30)
        await wait_for_screen(pilot, HomeScreen)
        await pilot.resize_terminal(79, 30)
        await wait_for_screen(pilot, TooSmall)

    drive(app, scenario, size=(70, 20))


def test_nothing_opens_over_the_small_terminal_message_and_it_never_sticks(make_app):
    from textual.command import CommandPalette

    app = make_app()

    async def scenario(pilot):
        await wait_for_screen(pilot, TooSmall)
        assert app.check_action("command_palette", ()) is False  # gone from the footer too
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        assert isinstance(app.screen, TooSmall)
        app.action_show_settings()  # a screen opened anyway while it is small...
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmall))  # ...stays covered
        assert any(isinstance(s, SettingsScreen) for s in app.screen_stack)
        await pilot.resize_terminal(120, 40)
        await wait_for_screen(pilot, SettingsScreen)
        assert app.check_action("command_palette", ()) is True
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        assert not any(isinstance(s, TooSmall) for s in app.screen_stack), app.screen_stack

    drive(app, scenario, size=(70, 20))


def test_the_command_palette_jumps_to_lessons_exercises_and_settings(make_app):
    from dlpath.tui.commands import TutorCommands

    app = make_app()

    async def best(query: str):
        found = [hit async for hit in TutorCommands(app.screen).search(query)]
        assert found, query
        return max(found, key=lambda hit: hit.score)

    async def scenario(pilot):
        await pilot.press("ctrl+p")  # once through the real palette, by keyboard
        await pilot.pause(0.1)
        await pilot.press(*"lines", "enter")
        lesson = await wait_for_screen(pilot, LessonScreen)
        assert lesson.module.lessons[lesson.index].id == "lines"
        hit = await best("exercise fit a line")
        assert hit.text is not None and "basics/fit_line" in hit.text
        app.call_later(hit.command)
        exercise = await wait_for_screen(pilot, ExerciseScreen)
        assert exercise.exercise.id == "fit_line"
        hit = await best("run check")  # the current screen's own actions are offered too
        assert "on this screen" in (hit.text or "")
        app.call_later(hit.command)
        await wait_until(pilot, lambda: exercise.last_verdict is not None)
        discovered = [hit.text async for hit in TutorCommands(app.screen).discover()]
        assert "Settings" in discovered and "Module: Advanced" in discovered
        app.call_later((await best("settings")).command)
        await wait_for_screen(pilot, SettingsScreen)

    drive(app, scenario)
