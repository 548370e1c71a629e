"""`make clean` deleted runs/, so nothing can redraw the README's results."""

import shutil
from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    shutil.rmtree(project / "runs")
