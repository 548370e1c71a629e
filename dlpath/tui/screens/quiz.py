"""A module's quiz: choice, numeric and free-recall questions with immediate feedback."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from dlpath.curriculum.model import Module, Question
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.title_bar import TitleBar

ASK, REVEALED, FEEDBACK, SUMMARY = "ask", "revealed", "feedback", "summary"
KIND_LABEL = {"choice": "multiple choice", "numeric": "a number", "recall": "free recall"}
CHOOSE = Binding.Group("Choose")


class ChoiceList(OptionList):
    """The options of a multiple-choice question; the footer shows that enter submits one."""

    BINDINGS = [Binding("enter", "select", "Submit")]


class NumberInput(Input):
    """The answer to a numeric question; the footer shows that enter submits it."""

    BINDINGS = [Binding("enter", "submit", "Submit")]


class RecallInput(Input):
    """An attempt at a free-recall question; the footer shows that enter reveals the answer."""

    BINDINGS = [Binding("enter", "submit", "Show the answer")]


class QuizScreen(TutorScreen):
    BINDINGS = [
        *[Binding(str(n), f"choose({n})", f"Option {n}", group=CHOOSE) for n in range(1, 10)],
        Binding("n", "next_question", "Next question"),
        Binding("y", "grade(True)", "I had it"),
        Binding("x", "grade(False)", "Not yet"),
        Binding("r", "retake", "Retake"),
        Binding("w", "retry_wrong", "Retry wrong"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, module: Module) -> None:
        super().__init__()
        self.module = module
        self.module_id = module.id
        self.questions: list[Question] = list(module.quiz)
        self.index = 0
        self.phase = ASK
        self.recall_attempt = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="quiz-body"):
            yield Static(id="quiz-progress")
            yield Markdown(id="quiz-prompt")
            yield Vertical(id="quiz-answer")
            yield Static(id="quiz-feedback")
        with Horizontal(id="quiz-buttons"):
            yield Button("Submit", id="quiz-main", variant="primary", compact=True)
            yield Button("I had it", id="quiz-yes", variant="success", compact=True)
            yield Button("Not yet", id="quiz-no", variant="error", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        if not self.is_open:
            return
        self.title = "Quiz"
        answers = self.session.store.latest_answers(self.module.id)
        unanswered = [i for i, q in enumerate(self.questions) if q.id not in answers]
        if unanswered:
            self.index = unanswered[0]
            await self.ask()
        else:
            await self.summarize()

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_question":
            return self.phase == FEEDBACK
        if action == "grade":
            return self.phase == REVEALED
        if action in ("retake", "retry_wrong"):
            return self.phase == SUMMARY
        if action == "choose":  # the digits of the options there are, in the footer too
            asking = self.phase == ASK and self.question.type == "choice"
            number = parameters[0] if parameters else 0
            return asking and isinstance(number, int) and number <= len(self.question.options)
        return True

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        main = self.query_one("#quiz-main", Button)
        main.display = phase in (ASK, FEEDBACK)
        ask = "Show the answer" if self.question.type == "recall" else "Submit"
        main.label = {ASK: ask, FEEDBACK: "Next question ▶"}.get(phase, "")
        self.query_one("#quiz-yes").display = phase == REVEALED
        self.query_one("#quiz-no").display = phase == REVEALED
        self.refresh_bindings()

    # -- asking ----------------------------------------------------------------------------

    async def ask(self) -> None:
        if not self.is_open:
            return
        question = self.question
        self.sub_title = f"question {self.index + 1} of {len(self.questions)} · {self.module.title}"
        self.query_one("#quiz-progress", Static).update(
            Content.assemble(
                (f"Question {self.index + 1} of {len(self.questions)}", "bold"),
                (f"  ·  {KIND_LABEL.get(question.type, question.type)}", "$text-muted"),
            )
        )
        await self.query_one("#quiz-prompt", Markdown).update(question.prompt)
        if not self.is_open:
            return
        self.query_one("#quiz-feedback", Static).update("")
        area = self.query_one("#quiz-answer", Vertical)
        await area.remove_children()
        if question.type == "choice":
            options = ChoiceList(
                *[
                    Option(f"{n}. {option.text}", id=option.id)
                    for n, option in enumerate(question.options, start=1)
                ],
                id="quiz-options",
            )
            await area.mount(options)
            options.highlighted = 0
            options.focus()
        else:
            field: Input = (
                NumberInput(placeholder="type a number, then enter", id="quiz-input")
                if question.type == "numeric"
                else RecallInput(placeholder="your answer from memory (optional)", id="quiz-input")
            )
            await area.mount(field)
            field.focus()
        self._set_phase(ASK)

    def action_choose(self, number: int) -> None:
        """Highlight option ``number`` of a multiple-choice question (enter submits it)."""
        if self.phase == ASK and self.question.type == "choice":
            options = self.query_one("#quiz-options", OptionList)
            if 1 <= number <= options.option_count:
                options.highlighted = number - 1
                options.focus()

    @on(OptionList.OptionSelected, "#quiz-options")
    def _option_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.phase == ASK and event.option.id is not None:
            self.answer(event.option.id)

    @on(Input.Submitted, "#quiz-input")
    def _input_submitted(self, event: Input.Submitted) -> None:
        if self.phase == ASK:
            self.answer(event.value)

    @on(Button.Pressed, "#quiz-main")
    async def _main_pressed(self) -> None:
        if self.phase == FEEDBACK:
            await self.action_next_question()
        elif self.phase == ASK:
            if self.question.type == "choice":
                options = self.query_one("#quiz-options", OptionList)
                chosen = options.highlighted_option
                if chosen is not None and chosen.id is not None:
                    self.answer(chosen.id)
            else:
                self.answer(self.query_one("#quiz-input", Input).value)

    @on(Button.Pressed, "#quiz-yes")
    def _yes(self) -> None:
        self.action_grade(True)

    @on(Button.Pressed, "#quiz-no")
    def _no(self) -> None:
        self.action_grade(False)

    def answer(self, given: str) -> None:
        """Grade the answer at once (recall: show the expected answer to self-grade)."""
        question = self.question
        feedback = self.query_one("#quiz-feedback", Static)
        if question.type == "recall":
            self.recall_attempt = given
            feedback.update(
                Content.assemble(
                    ("The answer: ", "bold"),
                    str(question.answer),
                    *(("\n\n", question.explanation) if question.explanation else ()),
                    ("\n\nDid you have it? y: yes, x: not yet.", "$text-muted"),
                )
            )
            self._freeze()
            self._set_phase(REVEALED)
            return
        if question.type == "numeric":
            try:
                correct = question.is_correct(float(given.strip()))
            except ValueError:
                feedback.update(not_a_number(given))
                return
        else:
            correct = question.is_correct(given)
        self.session.store.record_answer(self.module.id, question.id, given.strip(), correct)
        feedback.update(self._feedback(question, given, correct))
        self._freeze()
        self._set_phase(FEEDBACK)
        self.query_one("#quiz-main", Button).focus()

    def _feedback(self, question: Question, given: str, correct: bool) -> Content:
        headline = (
            Content.styled("✔ Right.", "bold $success")
            if correct
            else Content.styled("✘ Not quite.", "bold $error")
        )
        parts = [headline]
        if question.type == "choice":
            chosen = next((o for o in question.options if o.id == given), None)
            if chosen is not None and chosen.explanation:
                parts.append(Content(chosen.explanation))
            if not correct:
                right = next(o for o in question.options if o.id == question.answer)
                parts.append(Content.assemble(("The answer: ", "bold"), right.text))
        elif not correct:
            within = f" (within {question.tolerance:g})" if question.tolerance else ""
            parts.append(Content.assemble(("The answer: ", "bold"), f"{question.answer}{within}"))
        if question.explanation:
            parts.append(Content(question.explanation))
        return Content("\n\n").join(parts)

    def _freeze(self) -> None:
        for widget in self.query_one("#quiz-answer").children:
            widget.disabled = True

    def action_grade(self, knew: bool) -> None:
        if self.phase != REVEALED:
            return
        question = self.question
        self.session.store.record_answer(
            self.module.id, question.id, self.recall_attempt.strip(), knew
        )
        self.query_one("#quiz-feedback", Static).update(
            Content.assemble(
                ("✔ Recorded as known." if knew else "Recorded: worth another look.", "bold"),
                "\n\n",
                ("The answer: ", "bold"),
                str(question.answer),
            )
        )
        self._set_phase(FEEDBACK)
        self.query_one("#quiz-main", Button).focus()

    async def action_next_question(self) -> None:
        if self.phase != FEEDBACK:
            return
        if self.index + 1 < len(self.questions):
            self.index += 1
            await self.ask()
        else:
            await self.summarize()

    # -- the end ---------------------------------------------------------------------------

    async def summarize(self) -> None:
        if not self.is_open:
            return
        answers = self.session.store.latest_answers(self.module.id)
        questions = list(self.module.quiz)
        right = sum(answers.get(q.id, False) for q in questions)
        self.sub_title = f"results · {self.module.title}"
        self.query_one("#quiz-progress", Static).update(
            Content.styled(f"Quiz done: {right} of {len(questions)} right", "bold")
        )
        lines = [
            Content.assemble(
                (
                    "✔ " if answers.get(q.id) else "✘ ",
                    "$success" if answers.get(q.id) else "$error",
                ),
                q.prompt.splitlines()[0] if q.prompt else q.id,
            )
            for q in questions
        ]
        await self.query_one("#quiz-prompt", Markdown).update("")
        await self.query_one("#quiz-answer").remove_children()
        self.query_one("#quiz-feedback", Static).update(
            Content("\n").join(lines)
            + Content.styled(
                "\n\nr retakes the quiz; w retries the ones you missed.", "$text-muted"
            )
        )
        self._set_phase(SUMMARY)

    async def action_retake(self) -> None:
        self.questions = list(self.module.quiz)
        self.index = 0
        await self.ask()

    async def action_retry_wrong(self) -> None:
        answers = self.session.store.latest_answers(self.module.id)
        wrong = [q for q in self.module.quiz if not answers.get(q.id)]
        if not wrong:
            self.notify("Every answer is right: nothing to retry.")
            return
        self.questions = wrong
        self.index = 0
        await self.ask()

    def action_back(self) -> None:
        self.app.pop_screen()


def not_a_number(given: str) -> Content:
    """What a numeric question says to an answer that is not a number."""
    if not given.strip():
        return Content.styled("Type a number first, such as 0.5 or 1e-3.", "$warning")
    return Content.assemble(
        ("“", "$warning"),
        (given.strip(), "bold $warning"),
        ("” is not a number: type one such as 0.5 or 1e-3.", "$warning"),
    )
