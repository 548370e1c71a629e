"""The learner's change broke the model's standardization, and the template test that caught it
was "fixed" by loosening its assertion (a shape check instead of the values) rather than the
model."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    (model,) = (project / "src").glob("*/model.py")
    text = model.read_text()
    old = "z = (x - self.mean) / self.std"
    assert old in text
    model.write_text(text.replace(old, "z = x - self.mean"))
    test = project / "tests" / "test_task.py"
    text = test.read_text()
    strict = "    assert z.tolist() == [[1.0, 0.0]]\n"
    assert strict in text
    test.write_text(text.replace(strict, "    assert z.shape == (1, 2)\n"))
