"""The verdict of a check: pass or fail, the failing layer, the message, the learner's frames."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from dlpath.engine.verdict import Verdict
from dlpath.tui.plotting import short_number

OUTPUT_LINES = 6


def verdict_content(
    verdict: Verdict, hints_left: int, hints_total: int, can_compare: bool
) -> Content:
    """The verdict as styled text: a headline, then what to look at or do next."""
    where = f"{verdict.duration:.1f} s on {verdict.device}"
    figures = "  ".join(f"{name} {short_number(value)}" for name, value in verdict.metrics.items())
    parts: list[Content] = []
    if verdict.layer == "cancelled":
        parts.append(Content.styled("■ Cancelled: the check was stopped.", "bold $warning"))
        parts.append(Content.styled("Press r to run it again.", "$text-muted"))
        return Content("\n").join(parts)
    if verdict.passed:
        parts.append(Content.assemble(("✔ PASS", "bold $success"), "  ", (where, "$text-muted")))
        if figures:
            parts.append(Content(figures))
        if verdict.message:
            parts.append(Content(verdict.message))
        if can_compare:
            parts.append(
                Content.styled("Press d to compare with the reference solution.", "$text-muted")
            )
        return Content("\n").join(parts)
    layer = f" [{verdict.layer}]" if verdict.layer else ""
    parts.append(
        Content.assemble(("✘ FAIL", "bold $error"), (layer, "bold"), "  ", (where, "$text-muted"))
    )
    parts.append(Content(verdict.message or "the check failed without a message"))
    if verdict.traceback:
        parts.append(Content.styled("Where it failed in your code:", "$text-muted"))
        parts.extend(Content.styled(f"  {line}", "$text-muted") for line in verdict.traceback)
    printed = verdict.output.strip().splitlines()[-OUTPUT_LINES:]
    if printed:
        parts.append(Content.styled("Your code printed (last lines):", "$text-muted"))
        parts.extend(Content(f"  {line[:200]}") for line in printed)
    if figures:
        parts.append(Content.styled(figures, "$text-muted"))
    if hints_left:
        shown = hints_total - hints_left + 1
        parts.append(
            Content.styled(f"Press h for a hint ({shown} of {hints_total}).", "$text-muted")
        )
    return Content("\n").join(parts)


class VerdictPanel(Static):
    """Shows the latest verdict, or what to do before the first one."""

    def show_verdict(
        self, verdict: Verdict, hints_left: int, hints_total: int, can_compare: bool
    ) -> None:
        self.set_class(verdict.passed, "-passed")
        self.set_class(not verdict.passed and verdict.layer != "cancelled", "-failed")
        self.update(verdict_content(verdict, hints_left, hints_total, can_compare))
        self.display = True

    def clear_verdict(self, message: str = "") -> None:
        """Show ``message`` in place of a verdict; without one (a check running) no box at all."""
        self.remove_class("-passed", "-failed")
        self.update(Content.styled(message, "$text-muted"))
        self.display = bool(message)
