"""The learner "simplified" the model's standardization and broke a template test."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    (model,) = (project / "src").glob("*/model.py")
    text = model.read_text()
    old = "z = (x - self.mean) / self.std"
    assert old in text
    model.write_text(text.replace(old, "z = x - self.mean"))
