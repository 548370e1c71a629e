"""One error tree: every error a user can cause is a DlpathError, printed once as one line."""

from __future__ import annotations


class DlpathError(Exception):
    """Base of every error dlpath reports to a user; the CLI prints it as one line and exits 1."""

    exit_code = 1


class CurriculumError(DlpathError):
    """Raised when a curriculum does not load or validate; holds every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems")

    def __str__(self) -> str:
        return "\n".join(self.problems)


class WorkspaceError(DlpathError):
    """Raised when no workspace can be found or an exercise is unknown to it."""


class ProgressStoreError(DlpathError):
    """Raised when the progress database cannot be opened or was moved aside as corrupt."""


class UnknownItemError(DlpathError):
    """Raised when a module, lesson or exercise id names nothing in the curriculum."""


class UsageError(DlpathError):
    """Raised for a bad option value the argument parser cannot catch itself."""
