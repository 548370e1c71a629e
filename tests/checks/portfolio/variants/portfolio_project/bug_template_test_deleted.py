"""The slow torchrun test was deleted to make the suite faster."""

from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    (project / "tests" / "test_distributed.py").unlink()
