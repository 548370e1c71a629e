"""Pictures of the home, lesson, quiz and exercise screens (fixture pack, fixed size, no clocks).

Update them after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the pictures before committing.
"""

from __future__ import annotations

from tui.fakes import FakeEngine
from tui.pilot_support import wait_for_screen, wait_until

from dlpath.tui.places import EXERCISE, LESSON, QUIZ, Place
from dlpath.tui.screens.exercise import ExerciseScreen
from dlpath.tui.screens.lesson import LessonScreen
from dlpath.tui.screens.quiz import QuizScreen

SIZE = (100, 30)


def test_home_screen(make_app, snap_compare):
    app = make_app()
    app.session.store.mark_lesson_read("basics", "adding")
    assert snap_compare(app, terminal_size=SIZE)


def test_lesson_screen(make_app, snap_compare):
    app = make_app()

    async def open_lesson(pilot):
        app.open_place(Place(LESSON, "basics", "lines"))
        await wait_for_screen(pilot, LessonScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_lesson)


def test_quiz_screen_after_an_answer(make_app, snap_compare):
    app = make_app()

    async def answer(pilot):
        app.open_place(Place(QUIZ, "basics"))
        screen = await wait_for_screen(pilot, QuizScreen)
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: screen.phase == "feedback")

    assert snap_compare(app, terminal_size=SIZE, run_before=answer)


def test_exercise_screen_after_a_failed_check(make_app, snap_compare, workspace, curriculum):
    learner = workspace.file_for(curriculum.find_exercise("fit_line"))
    learner.write_text(learner.read_text() + "# started\n")  # a stub untouched is not started
    engine = FakeEngine(
        steps=40,
        passed=False,
        layer="values",
        message="the loss only fell to 0.0123",
        traceback=("fit_line.py, line 2, in build_model",),
    )
    app = make_app(engine=engine)

    async def run_check(pilot):
        app.open_place(Place(EXERCISE, "basics", "fit_line"))
        screen = await wait_for_screen(pilot, ExerciseScreen)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.last_verdict is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_check)
