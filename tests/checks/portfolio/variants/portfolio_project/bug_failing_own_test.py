"""The learner added a test of their own, and it fails."""

from pathlib import Path

TEST = '''"""Calibration of the predicted probabilities."""


def test_probabilities_are_calibrated():
    expected_calibration_error = 0.12
    assert expected_calibration_error < 0.05, "the model is over-confident"
'''


def apply(project: Path, fresh: Path) -> None:
    (project / "tests" / "test_calibration.py").write_text(TEST)
