"""The home screen: the modules of the learner's track, where they stand, and Continue."""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from dlpath.progress.summary import ModuleProgress, PathProgress
from dlpath.tui.places import EXERCISE, LESSON, QUIZ, Place
from dlpath.tui.plotting import ratio_bar
from dlpath.tui.screens.base import TutorScreen
from dlpath.tui.widgets.title_bar import TitleBar

STATE_ICON = {
    "done": ("✔", "$success"),
    "in progress": ("◐", "$warning"),
    "not started": ("○", "$text-muted"),
}
ITEM_STATUS = {
    "passed": ("✔", "$success"),
    "failed": ("✘", "$error"),
    "started": ("◐", "$warning"),
    "not started": ("○", "$text-muted"),
}
ITEM_LABEL_WIDTH = max(len(kind) for kind in ("Lesson", "Quiz", "Exercise"))
SUMMARY_LIMIT = 140  # about four lines of the module pane at 80 columns


def place_id(place: Place) -> str:
    return f"{place.kind}:{place.module_id}:{place.item_id}"


def place_from_id(option_id: str) -> Place:
    kind, module_id, item_id = option_id.split(":", 2)
    return Place(kind, module_id, item_id)


def item_label(kind: str) -> str:
    """The kind of a module's item, padded so that the titles after it line up."""
    return f" {kind:<{ITEM_LABEL_WIDTH}}  "


def module_prompt(number: int, entry: ModuleProgress) -> Content:
    """A module in the path list: one line each, cut to the pane's width by the stylesheet.

    Which prerequisites are missing is said in full on the right, next to the module's items.
    """
    icon, style = STATE_ICON[entry.state]
    module = entry.module
    first = Content.assemble((icon, style), f" {number}. ", (module.title, "bold"))
    second = Content.assemble(
        "   ",
        (ratio_bar(entry.fraction, 8), style),
        (f" {entry.fraction:4.0%} {entry.state}", "$text-muted"),
    )
    lines = [first, second]
    if entry.missing_prerequisites and entry.state != "done":
        lines.append(Content.styled("   ⚠ prerequisites not done", "$warning"))
    return Content("\n").join(lines)


def first_sentence(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """The summary's first sentence, cut at a word near ``limit`` characters: on a small
    terminal the module's items must keep most of the pane."""
    head, dot, rest = text.strip().partition(". ")
    sentence = f"{head}." if dot and rest else text.strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def weeks_text(progress: PathProgress) -> str:
    if progress.hours_left <= 0:
        return "nothing left"
    weeks = progress.weeks_left
    if math.isinf(weeks):
        return f"about {progress.hours_left:.0f} h left"
    pace = f"{progress.weekly_hours:g} h/week"
    span = "under a week" if weeks < 1 else f"about {weeks:.0f} week{'s' if weeks >= 1.5 else ''}"
    return f"about {progress.hours_left:.0f} h left · {span} at {pace}"


class HomeScreen(TutorScreen):
    BINDINGS = [
        Binding("c", "continue", "Continue"),
        Binding("p", "progress", "Progress"),
        Binding("s", "settings", "Settings"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown_module: str | None = None
        self._stale = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="home-body"):
            with Vertical(id="path-pane"):
                yield Static(id="path-title", classes="pane-title")
                yield OptionList(id="modules")
            with Vertical(id="module-pane"):
                yield Static(id="module-head")
                yield OptionList(id="items")
        with Vertical(id="home-bottom"):
            yield Static(id="overall")
            yield Button("Continue", id="continue", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_path()
        self.query_one("#modules").focus()

    def on_screen_suspend(self) -> None:
        self._stale = True  # another screen may change the figures

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._stale and self.is_mounted:
            self._stale = False
            self.refresh_path()

    def refresh_state(self) -> None:
        self.refresh_path()

    def highlight_module(self, module_id: str) -> None:
        modules = self.query_one("#modules", OptionList)
        try:
            modules.highlighted = modules.get_option_index(module_id)
        except OptionDoesNotExist:  # not in the learner's track
            self.notify("That module is not part of your track; change it in Settings.")
            return
        modules.focus()

    def refresh_path(self) -> None:
        session = self.session
        progress = session.progress()
        self.progress = progress
        track = session.track()
        self.title = session.curriculum.title
        self.sub_title = f"track: {track.title}" if track else "the whole path"
        modules = self.query_one("#modules", OptionList)
        keep = modules.highlighted
        modules.set_options(
            Option(module_prompt(n, entry), id=entry.module.id)
            for n, entry in enumerate(progress.modules, start=1)
        )
        if progress.modules:
            modules.highlighted = min(keep or 0, len(progress.modules) - 1)
        self.query_one("#path-title", Static).update(
            Content.assemble(
                ("Your path", "bold"),
                f"  {len(progress.modules)} module{'s' if len(progress.modules) != 1 else ''}",
            )
        )
        self.query_one("#overall", Static).update(
            Content.assemble(
                ("Overall ", "bold"),
                (ratio_bar(progress.fraction, 16), "$accent"),
                f" {progress.fraction:.0%}  ·  {weeks_text(progress)}",
            )
        )
        target = session.resume_place(progress)
        button = self.query_one("#continue", Button)
        if target is None:
            button.label = "✔ Path complete"
            button.disabled = True
        else:
            button.label = f"▶ Continue: {target.title(session.curriculum)}"
            button.disabled = False
        self._show_module()

    def _show_module(self) -> None:
        modules = self.query_one("#modules", OptionList)
        option = modules.highlighted_option
        entry = next(
            (p for p in self.progress.modules if option and p.module.id == option.id), None
        )
        head = self.query_one("#module-head", Static)
        items = self.query_one("#items", OptionList)
        if entry is None:
            head.update("This track has no modules.")
            items.clear_options()
            return
        module = entry.module
        facts = f"~{module.hours:g} h · {len(module.lessons)} lessons · "
        facts += f"{len(module.quiz)} questions · {len(module.exercises)} exercises"
        head_lines = [
            Content.styled(module.title, "bold"),
            Content(first_sentence(module.summary)),
            Content.styled(facts, "$text-muted"),
        ]
        if entry.missing_prerequisites and entry.state != "done":
            needs = "; ".join(self._module_name(m) for m in entry.missing_prerequisites)
            head_lines.append(
                Content.styled(
                    f"⚠ Builds on {needs}, not done yet (you can still start here).",
                    "$warning",
                )
            )
        head.update(Content("\n").join(head_lines))
        read = self.session.store.lessons_read()
        options: list[Option] = []
        for lesson in module.lessons:
            done = (module.id, lesson.id) in read
            icon, style = ("✔", "$success") if done else ("○", "$text-muted")
            options.append(
                Option(
                    Content.assemble((icon, style), item_label("Lesson"), lesson.title),
                    id=place_id(Place(LESSON, module.id, lesson.id)),
                )
            )
        if module.quiz:
            if entry.quiz_answered:
                score = f"{entry.quiz_correct}/{len(module.quiz)} right"
                icon, style = (
                    ("✔", "$success")
                    if entry.quiz_correct == len(module.quiz)
                    else (
                        "◐",
                        "$warning",
                    )
                )
            else:
                score, (icon, style) = f"{len(module.quiz)} questions", ("○", "$text-muted")
            options.append(
                Option(
                    Content.assemble((icon, style), item_label("Quiz"), (score, "$text-muted")),
                    id=place_id(Place(QUIZ, module.id)),
                )
            )
        for exercise in module.exercises:
            status = entry.exercises[exercise.key]
            icon, style = ITEM_STATUS.get(status, ("○", ""))
            options.append(
                Option(
                    Content.assemble(
                        (icon, style),
                        item_label("Exercise"),
                        exercise.title,
                        (f"  {status}", style),
                    ),
                    id=place_id(Place(EXERCISE, module.id, exercise.id)),
                )
            )
        same_module = self._shown_module == module.id
        keep = items.highlighted if same_module else None
        items.set_options(options)
        self._shown_module = module.id
        if keep is not None and options:
            items.highlighted = min(keep, len(options) - 1)

    def _module_name(self, module_id: str) -> str:
        """A module as the path list shows it: its number on the path, then its title."""
        numbers = {p.module.id: n for n, p in enumerate(self.progress.modules, start=1)}
        try:
            title = self.session.curriculum.module(module_id).title
        except KeyError:
            return module_id
        return f"{numbers[module_id]}. {title}" if module_id in numbers else title

    @on(OptionList.OptionHighlighted, "#modules")
    def _module_highlighted(self) -> None:
        self._show_module()

    @on(OptionList.OptionSelected, "#modules")
    def _module_chosen(self) -> None:
        items = self.query_one("#items", OptionList)
        items.focus()
        if items.option_count and items.highlighted is None:
            items.highlighted = 0

    @on(OptionList.OptionSelected, "#items")
    def _item_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.tutor.open_place(place_from_id(event.option.id))

    @on(Button.Pressed, "#continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    def action_continue(self) -> None:
        target = self.session.resume_place()
        if target is None:
            self.notify("Your track is done: build your portfolio project with `dlpath new`.")
            return
        self.tutor.open_place(target)

    def action_progress(self) -> None:
        self.tutor.action_show_progress()

    def action_settings(self) -> None:
        self.tutor.action_show_settings()
