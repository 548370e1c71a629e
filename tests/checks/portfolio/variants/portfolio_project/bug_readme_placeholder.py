"""Trained and evaluated, but `make report` never ran: the README still says "No results yet"."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    (project / "README.md").write_text((fresh / "README.md").read_text())
