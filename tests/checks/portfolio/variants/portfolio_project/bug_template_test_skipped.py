"""A template test that failed after a change was marked skip instead of being fixed."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    path = project / "tests" / "test_task.py"
    text = path.read_text()
    target = "def test_mlp_standardizes_and_fills_missing_values"
    assert target in text
    path.write_text(text.replace(target, '@pytest.mark.skip(reason="flaky")\n' + target))
