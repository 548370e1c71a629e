"""Scores and the run's metrics file: the single source the README's results are drawn from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

METRICS_FILE = "metrics.json"


def classification_scores(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> dict:
    """Accuracy, macro-averaged F1 and the confusion matrix (rows: true, columns: predicted)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    labels = list(range(num_classes))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        ),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def read_metrics(run_dir: Path) -> dict:
    path = Path(run_dir) / METRICS_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: train first (make train)")
    return json.loads(path.read_text(encoding="utf-8"))


def write_metrics(run_dir: Path, metrics: dict) -> Path:
    path = Path(run_dir) / METRICS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return path


def update_metrics(run_dir: Path, **sections: object) -> dict:
    """Add or replace top-level sections of the metrics file, keeping the others."""
    metrics = read_metrics(run_dir)
    metrics.update(sections)
    write_metrics(run_dir, metrics)
    return metrics
