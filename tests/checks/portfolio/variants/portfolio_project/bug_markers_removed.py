"""The learner tidied the README and deleted the two results marker comments."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    path = project / "README.md"
    lines = [line for line in path.read_text().splitlines() if "<!-- results:" not in line]
    path.write_text("\n".join(lines) + "\n")
