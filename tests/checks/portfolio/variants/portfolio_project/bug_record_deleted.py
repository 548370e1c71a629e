"""The project's .dlpath-template.json was deleted: nothing says `dlpath new` made it."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    (project / ".dlpath-template.json").unlink()
