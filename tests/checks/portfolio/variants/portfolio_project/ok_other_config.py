"""`make all CONFIG=configs/final.yaml`: the run lives in runs/final, and the learner's file says
CONFIG = "configs/final.yaml". It must pass."""

from pathlib import Path

CONFIG = "configs/final.yaml"


def apply(project: Path, fresh: Path) -> None:
    default = (project / "configs" / "default.yaml").read_text()
    final = default.replace("output_dir: runs/default", "output_dir: runs/final")
    assert final != default
    (project / CONFIG).write_text(final)
    (project / "runs" / "default").rename(project / "runs" / "final")
