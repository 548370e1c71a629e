"""Quizzes: multiple choice, numeric and free recall, immediate feedback, scores recorded."""

from __future__ import annotations

from tui.pilot_support import drive, text_of, wait_for_screen, wait_until

from dlpath.tui.places import QUIZ, Place
from dlpath.tui.screens.quiz import FEEDBACK, REVEALED, SUMMARY, QuizScreen


def test_each_kind_of_question_gets_feedback_and_is_recorded(make_app):
    app = make_app()
    store = app.session.store

    async def scenario(pilot):
        app.open_place(Place(QUIZ, "basics"))
        screen = await wait_for_screen(pilot, QuizScreen)
        # multiple choice: the footer offers a digit per option and enter to submit
        shown = {
            key: active.binding.description
            for key, active in screen.active_bindings.items()
            if active.binding.show and active.enabled
        }
        options = len(screen.question.options)
        assert [str(n) for n in range(1, options + 1)] == [k for k in shown if k.isdigit()]
        assert shown["enter"] == "Submit"
        # the wrong option, with its own explanation and the right answer
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.phase == FEEDBACK)
        feedback = text_of(screen.query_one("#quiz-feedback"))
        assert "Not quite" in feedback and "One short." in feedback and "The answer: 4" in feedback
        await pilot.press("n")
        # numeric: not a number, then a number within the tolerance
        await wait_until(pilot, lambda: screen.index == 1 and screen.phase == "ask")
        assert not any(key.isdigit() for key in screen.active_bindings)  # digits are typed
        await pilot.press(*"ten", "enter")
        assert text_of(screen.query_one("#quiz-feedback")).startswith("“ten” is not a number")
        screen.query_one("#quiz-input").value = "2.3027"
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.phase == FEEDBACK)
        assert "Right" in text_of(screen.query_one("#quiz-feedback"))
        assert "e^2.3026 = 10." in text_of(screen.query_one("#quiz-feedback"))
        await pilot.click("#quiz-main")  # "Next question", by mouse
        # free recall: the answer is shown, the learner grades themself
        await wait_until(pilot, lambda: screen.index == 2)
        assert screen.query_one("#quiz-input").placeholder == "your answer from memory (optional)"
        await pilot.press(*"chain", "enter")
        await wait_until(pilot, lambda: screen.phase == REVEALED)
        assert "(f o g)' = f'(g) g'" in text_of(screen.query_one("#quiz-feedback"))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.phase == FEEDBACK)
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.phase == SUMMARY)
        assert "2 of 3 right" in text_of(screen.query_one("#quiz-progress"))

    drive(app, scenario)
    assert store.latest_answers("basics") == {"two-plus-two": False, "ln10": True, "chain": True}


def test_retry_wrong_asks_only_the_missed_questions_and_updates_the_score(make_app):
    app = make_app()
    store = app.session.store
    store.record_answer("basics", "two-plus-two", "a", False)
    store.record_answer("basics", "ln10", "2.3", True)
    store.record_answer("basics", "chain", "", True)

    async def scenario(pilot):
        app.open_place(Place(QUIZ, "basics"))
        screen = await wait_for_screen(pilot, QuizScreen)
        assert screen.phase == SUMMARY  # everything answered: the results first
        await pilot.press("w")
        await wait_until(pilot, lambda: screen.phase == "ask")
        assert [q.id for q in screen.questions] == ["two-plus-two"]
        await pilot.press("2")  # the digit keys pick an option
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.phase == FEEDBACK)
        await pilot.press("n")
        await wait_until(pilot, lambda: screen.phase == SUMMARY)
        assert "3 of 3 right" in text_of(screen.query_one("#quiz-progress"))

    drive(app, scenario)
    assert all(store.latest_answers("basics").values())
