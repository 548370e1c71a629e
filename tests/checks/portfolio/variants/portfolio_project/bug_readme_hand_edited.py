"""The learner typed a better score into the README's results table."""

import re
from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    path = project / "README.md"
    text = path.read_text()
    edited = re.sub(r"(\| \*\*MLP\*\* \(this project\) \| )[0-9.]+", r"\g<1>0.991", text)
    assert edited != text
    path.write_text(edited)
