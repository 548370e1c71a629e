"""The home screen: the path with each module's state, overall progress, and Continue."""

from __future__ import annotations

from tui.pilot_support import drive, text_of, wait_for_screen

from dlpath.tui.screens.home import HomeScreen
from dlpath.tui.screens.lesson import LessonScreen


def test_home_lists_the_track_with_states_and_prerequisite_warnings(make_app):
    app = make_app()

    async def scenario(pilot):
        assert isinstance(app.screen, HomeScreen)
        modules = app.screen.query_one("#modules")
        prompts = [str(option.prompt) for option in modules.options]
        assert "Basics" in prompts[0] and "not started" in prompts[0]
        assert "⚠ prerequisites not done" in prompts[1]  # a warning, not a lock
        overall = text_of(app.screen.query_one("#overall"))
        assert "0%" in overall and "3 h left" in overall and "6 h/week" in overall
        items = [str(o.prompt) for o in app.screen.query_one("#items").options]
        assert any("Lesson    Adding" in item for item in items)
        assert any("Exercise  Add" in item for item in items)  # the titles line up
        assert any("Quiz" in item for item in items)
        # the second module can be opened even though its prerequisite is not done
        await pilot.press("down")
        assert "⚠ Builds on 1. Basics, not done yet" in text_of(
            app.screen.query_one("#module-head")
        )
        await pilot.press("enter", "enter")
        await wait_for_screen(pilot, LessonScreen)
        assert app.screen.module.id == "advanced"

    drive(app, scenario)


def test_continue_opens_exactly_where_the_learner_left_off(make_app):
    app = make_app()
    store = app.session.store
    store.mark_lesson_read("basics", "adding")

    async def scenario(pilot):
        assert "Continue: lesson · Lines" in str(app.screen.query_one("#continue").label)
        await pilot.press("c")
        await wait_for_screen(pilot, LessonScreen)
        assert app.screen.module.lessons[app.screen.index].id == "lines"

    drive(app, scenario)


def test_continue_works_with_the_mouse_and_a_track_limits_the_path(make_app):
    app = make_app()
    app.session.store.set_setting("track", "short")

    async def scenario(pilot):
        assert [o.id for o in app.screen.query_one("#modules").options] == ["basics"]
        assert "Short" in app.screen.sub_title
        await pilot.click("#continue")
        await wait_for_screen(pilot, LessonScreen)

    drive(app, scenario)


def test_home_figures_match_the_cli_summary(make_app):
    from dlpath.progress.summary import summarize

    app = make_app()
    store = app.session.store
    store.mark_lesson_read("basics", "adding")
    expected = summarize(app.session.curriculum, store, app.session.workspace)

    async def scenario(pilot):
        overall = text_of(app.screen.query_one("#overall"))
        assert f"{expected.fraction:.0%}" in overall
        assert f"about {expected.hours_left:.0f} h left" in overall

    drive(app, scenario)


def test_the_bundled_curriculum_fits_the_home_panes_at_80_by_24(tmp_path):
    """Long real titles end in an ellipsis on one line instead of wrapping to column 0."""
    from tui.fakes import FakeEngine

    from dlpath.curriculum.loader import load_curriculum
    from dlpath.tui.app import create_app
    from dlpath.workspace import Workspace

    bundled = load_curriculum()  # not the short fixture pack
    workspace, _ = Workspace.create(tmp_path / "ws", bundled)
    app = create_app(curriculum=bundled, engine=FakeEngine(), workspace=workspace.root)

    async def scenario(pilot):
        home = await wait_for_screen(pilot, HomeScreen)
        for module_index in (0, 1):  # the first module, then one with missing prerequisites
            modules = home.query_one("#modules")
            modules.highlighted = module_index
            await pilot.pause(0.1)
            for list_id in ("#modules", "#items"):
                options = home.query_one(list_id)
                lines = sum(len(str(o.prompt).splitlines()) for o in options.options)
                assert options.virtual_size.height == lines, f"{list_id} wraps a line"
                shown = [options.render_line(y).text for y in range(options.size.height)]
                assert any(line.rstrip().endswith("…") for line in shown), shown
        assert len(home.query_one("#modules").options) >= 8
        items = home.query_one("#items")
        assert items.size.height >= 6  # the module's summary leaves room for its items

    try:
        drive(app, scenario, size=(80, 24))
    finally:
        app.session.close()
