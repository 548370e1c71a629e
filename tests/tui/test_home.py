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
        assert "⚠ needs Basics first" in prompts[1]  # a warning, not a lock
        overall = text_of(app.screen.query_one("#overall"))
        assert "0%" in overall and "3 h left" in overall and "6 h/week" in overall
        items = [str(o.prompt) for o in app.screen.query_one("#items").options]
        assert any("Lesson  Adding" in item for item in items)
        assert any("Quiz" in item for item in items)
        # the second module can be opened even though its prerequisite is not done
        await pilot.press("down", "enter", "enter")
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
