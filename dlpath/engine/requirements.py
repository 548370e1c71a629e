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
