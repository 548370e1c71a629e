"""Which packages an exercise's check needs that are not installed, found without importing."""

from __future__ import annotations

import importlib.util

from dlpath.curriculum.model import Exercise

# Distribution names whose import name differs.
_IMPORT_NAMES = {"scikit-learn": "sklearn"}


def missing_requirements(exercise: Exercise) -> list[str]:
    return [
        name
        for name in exercise.requires
        if importlib.util.find_spec(_IMPORT_NAMES.get(name, name).replace("-", "_")) is None
    ]


def install_message(missing: list[str]) -> str:
    """One line naming what is missing and the exact command that installs it into the Python
    that runs dlpath (a bare `pip` may belong to another environment)."""
    import shlex
    import sys

    command = f"{shlex.quote(sys.executable)} -m pip install {' '.join(missing)}"
    return f"this check needs {', '.join(missing)}: run `{command}`"
