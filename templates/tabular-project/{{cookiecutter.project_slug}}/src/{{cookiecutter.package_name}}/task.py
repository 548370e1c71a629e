"""What this project classifies: the one module the shared training code asks about its task.

train, evaluate, predict, export and bench call only the names defined here, so a new data set
or model means changing this module, data.py and model.py, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch import nn

from .data import load_breast_cancer_arrays, read_table_csv
from .model import TabularMLP
from .splits import Splits, split

MODEL_NAME = "MLP"
CLASSICAL_NAME = "gradient boosting"
INPUT_HELP = "CSV files of rows to classify (same feature columns; the target may be absent)"


def feature_meta(x_train: np.ndarray, feature_names: list[str], num_classes: int) -> dict:
    """The training split's per-feature mean and spread, which the MLP standardizes with."""
    mean = np.nanmean(x_train, axis=0)
    std = np.nanstd(x_train, axis=0)
    std = np.where(np.isfinite(std) & (std > 1e-8), std, 1.0)  # constant or empty columns
    return {
        "mean": np.nan_to_num(mean).tolist(),
        "std": std.tolist(),
        "feature_names": list(feature_names),
        "num_classes": num_classes,
    }


def load_splits(data_config: dict, seed: int, meta: dict | None = None) -> Splits:
    """The configured table, cut into train, validation and test sets.

    ``meta`` is a checkpoint's: its statistics are kept, and the table must still have the
    feature columns the model was trained on.
    """
    source = str(data_config.get("source", "breast_cancer"))
    if source == "breast_cancer":
        x, y, class_names, feature_names = load_breast_cancer_arrays()
    else:
        x, labels, feature_names = read_table_csv(Path(source), data_config["target_column"])
        class_names = sorted(set(labels))
        y = np.asarray([class_names.index(label) for label in labels], dtype=np.int64)
    if meta is not None and list(meta["feature_names"]) != feature_names:
        raise ValueError(
            f"{source}: its feature columns are no longer the ones the model was trained on "
            f"({', '.join(meta['feature_names'])})"
        )
    splits = split(x, y, class_names, data_config, seed)
    splits.meta = meta or feature_meta(splits.x_train, feature_names, len(class_names))
    return splits


def build_model(model_config: dict, meta: dict) -> nn.Module:
    return TabularMLP(
        mean=meta["mean"],
        std=meta["std"],
        num_classes=int(meta["num_classes"]),
        hidden=tuple(int(h) for h in model_config.get("hidden", [64, 32])),
        dropout=float(model_config.get("dropout", 0.1)),
    )


def classical_model(seed: int):
    """The classical baseline, and the usual winner on tables: gradient-boosted trees."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed)


def classical_features(x: np.ndarray, meta: dict) -> np.ndarray:
    """Trees need no scaling and handle missing values themselves: the raw features."""
    return x


def read_inputs(inputs: list[str], meta: dict) -> tuple[list[str], np.ndarray]:
    """Rows of CSV files as a batch, named ``file:row``; columns are matched by name."""
    names, batches = [], []
    wanted = meta["feature_names"]
    for path in inputs:
        x, _, columns = read_table_csv(Path(path), target_column="", require_target=False)
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise ValueError(f"{path}: missing feature columns {', '.join(missing)}")
        batches.append(x[:, [columns.index(c) for c in wanted]])
        names += [f"{path}:{row + 1}" for row in range(len(x))]
    return names, np.concatenate(batches)
