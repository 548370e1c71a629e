"""Evaluated again after the last `make report`: the metrics file moved on, the README did not."""

import json
from pathlib import Path


def apply(project: Path, fresh: Path) -> None:
    path = project / "runs" / "default" / "metrics.json"
    metrics = json.loads(path.read_text())
    metrics["test"]["accuracy"] = round(metrics["test"]["accuracy"] - 0.05, 6)
    path.write_text(json.dumps(metrics, indent=2) + "\n")
