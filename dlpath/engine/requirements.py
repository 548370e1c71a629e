"""What must hold before a check starts: the learner's file is there, and the packages its check
needs are installed (found without importing them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from dlpath.curriculum.model import Exercise

if TYPE_CHECKING:
    from dlpath.engine.verdict import Verdict

# Distribution names whose import name differs.
_IMPORT_NAMES = {"scikit-learn": "sklearn"}


def missing_requirements(exercise: Exercise) -> list[str]:
    return [
        name
        for name in exercise.requires
        if importlib.util.find_spec(_IMPORT_NAMES.get(name, name).replace("-", "_")) is None
    ]


def install_command(packages: list[str]) -> str:
    """The exact command that installs ``packages`` into the Python that runs dlpath (a bare
    `pip` may belong to another environment)."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -m pip install {' '.join(packages)}"


def install_message(missing: list[str]) -> str:
    """One line naming what is missing and the command that installs it."""
    return f"this check needs {', '.join(missing)}: run `{install_command(missing)}`"


def precheck(exercise: Exercise, learner_file: Path) -> Verdict | None:
    """The verdict when a check cannot start (the learner's file is gone, or a package its check
    needs is missing), else None. Such a verdict is not a result: it is never recorded."""
    from dlpath.engine.verdict import Verdict

    if not learner_file.is_file():
        message = f"{learner_file} is missing: run `dlpath init` to restore the stub"
        return Verdict(exercise.key, False, "setup", message)
    if missing := missing_requirements(exercise):
        return Verdict(exercise.key, False, "setup", install_message(missing))
    return None
