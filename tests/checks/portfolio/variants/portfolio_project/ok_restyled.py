"""A correct project written differently: headings one level deeper and renamed, an extra
section, the README checked out with Windows line endings. It must pass."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    card = project / "MODEL_CARD.md"
    text = card.read_text().replace("## Intended use", "### Intended use and users")
    text += "\n## Contact\n\nOpen an issue on the project's repository.\n"
    card.write_text(text)
    readme = project / "README.md"
    readme.write_bytes(readme.read_bytes().replace(b"\n", b"\r\n"))
