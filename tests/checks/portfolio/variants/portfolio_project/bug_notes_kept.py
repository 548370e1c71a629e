"""Every prompt answered, but the template's note to the author still opens the model card."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    note = (fresh / "MODEL_CARD.md").read_text().split("\n## ", 1)[0]
    path = project / "MODEL_CARD.md"
    path.write_text(note + "\n\n## " + path.read_text().split("\n## ", 1)[1])
