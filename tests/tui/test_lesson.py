"""Lessons: Markdown with highlighted code, next and previous, reading recorded."""

from __future__ import annotations

from tui.pilot_support import drive, text_of, wait_for_screen, wait_until

from dlpath.tui.places import LESSON, QUIZ, Place
from dlpath.tui.screens.home import HomeScreen
from dlpath.tui.screens.lesson import LessonScreen
from dlpath.tui.screens.quiz import QuizScreen


def test_reading_a_lesson_records_it_and_next_previous_move(make_app):
    app = make_app()
    store = app.session.store

    async def scenario(pilot):
        app.open_place(Place(LESSON, "basics", "adding"))
        await wait_for_screen(pilot, LessonScreen)
        screen = app.screen
        await wait_until(pilot, lambda: ("basics", "adding") in store.lessons_read())
        assert "✔ read" in text_of(screen.query_one("#lesson-state"))
        fences = screen.query("MarkdownFence")
        assert fences, "the code block is rendered as a highlighted fence"
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.index == 1)
        assert screen.title == "Lines" and screen.sub_title.startswith("lesson 2 of 2")
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.index == 0)
        await pilot.click("#next")  # the mouse works too
        await wait_until(pilot, lambda: screen.index == 1)
        await pilot.press("n")  # after the last lesson comes the module's quiz
        await wait_for_screen(pilot, QuizScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)

    drive(app, scenario)
    assert ("basics", "lines") in store.lessons_read()


def test_a_long_lesson_is_read_only_once_scrolled_to_its_end(make_app, curriculum, tmp_path):
    import dataclasses

    module = curriculum.module("basics")
    long_file = tmp_path / "long.md"
    long_file.write_text("# Long\n\n" + "\n\n".join(f"Paragraph {n}." for n in range(40)))
    lesson = dataclasses.replace(module.lessons[0], path=long_file)
    long_module = dataclasses.replace(module, lessons=(lesson, *module.lessons[1:]))
    app = make_app()
    store = app.session.store

    async def scenario(pilot):
        app.push_screen(LessonScreen(long_module, "adding"))
        await wait_for_screen(pilot, LessonScreen)
        await pilot.pause(0.2)
        assert ("basics", "adding") not in store.lessons_read()
        await pilot.press("end")
        await wait_until(pilot, lambda: ("basics", "adding") in store.lessons_read())

    drive(app, scenario)


def test_next_after_reading_to_the_end_does_not_mark_the_next_lesson_read(
    make_app, curriculum, tmp_path
):
    import dataclasses

    module = curriculum.module("basics")
    lessons = []
    for lesson in module.lessons:
        long_file = tmp_path / f"{lesson.id}.md"
        long_file.write_text(f"# {lesson.title}\n\n" + "\n\n".join(f"P {n}." for n in range(60)))
        lessons.append(dataclasses.replace(lesson, path=long_file))
    long_module = dataclasses.replace(module, lessons=tuple(lessons))
    app = make_app()
    store = app.session.store
    second = ("basics", lessons[1].id)

    async def settled(pilot, screen, index):
        await wait_until(pilot, lambda: screen.index == index and screen.settled)
        await pilot.pause(0.3)  # room for a late scroll event to (wrongly) mark it

    async def scenario(pilot):
        app.push_screen(LessonScreen(long_module, lessons[0].id))
        screen = await wait_for_screen(pilot, LessonScreen)
        await pilot.press("end")
        await wait_until(pilot, lambda: ("basics", lessons[0].id) in store.lessons_read())
        await pilot.press("n")
        await settled(pilot, screen, 1)
        scroll = screen.query_one("#lesson-scroll")
        assert scroll.scroll_y == 0 and scroll.max_scroll_y > 0
        assert second not in store.lessons_read()
        assert "scroll to the end" in text_of(screen.query_one("#lesson-state"))
        await pilot.press("p")
        await settled(pilot, screen, 0)
        await pilot.press("end", "n")  # next while the scroll to the end is still moving
        await settled(pilot, screen, 1)
        assert second not in store.lessons_read()
        await screen.go_to(lessons[0].id)  # as the command palette does
        await settled(pilot, screen, 0)
        assert screen.query_one("#lesson-scroll").scroll_y == 0

    drive(app, scenario)


def test_next_step_after_reading_goes_to_the_quiz_place(make_app):
    app = make_app()

    async def scenario(pilot):
        app.open_place(Place(LESSON, "basics", "lines"))
        await wait_for_screen(pilot, LessonScreen)
        assert "quiz" in str(app.screen.query_one("#next").label)
        app.open_place(Place(QUIZ, "basics"), replace=app.screen)
        await wait_for_screen(pilot, QuizScreen)
        assert not any(isinstance(s, LessonScreen) for s in app.screen_stack)

    drive(app, scenario)
