"""A write-up that discusses the results without quoting a single number."""

import re
from pathlib import Path

NUMBER = re.compile(r"\d+\.\d+|\d+(?:\.\d+)?\s?%")


def apply(project: Path, fresh: Path) -> None:
    template_lines = set((fresh / "WRITEUP.md").read_text().splitlines())
    path = project / "WRITEUP.md"
    lines = [
        line if line in template_lines else NUMBER.sub("a good score", line)
        for line in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
