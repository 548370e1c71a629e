"""The write-up is done except one section, whose prompt is still there with its marker."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    template = (fresh / "WRITEUP.md").read_text()
    prompt = template.split("## Cost\n", 1)[1].split("\n## ", 1)[0]
    path = project / "WRITEUP.md"
    head, rest = path.read_text().split("## Cost\n", 1)
    path.write_text(head + "## Cost\n" + prompt + "\n## " + rest.split("\n## ", 1)[1])
