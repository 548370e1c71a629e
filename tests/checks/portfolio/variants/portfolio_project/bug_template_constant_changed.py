"""The template's learning test trains for 5 epochs; the learner's slower model did not learn
in that, so they raised the epochs in the test's own settings (a module-level constant, not a
test function) instead of fixing the model."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    test = project / "tests" / "test_task.py"
    text = test.read_text()
    short = '"train.epochs=5"'
    assert short in text
    test.write_text(text.replace(short, '"train.epochs=50"'))
