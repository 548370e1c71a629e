"""Train, validation and test splits: stratified by class and fixed by the seed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Splits:
    """A data set cut three ways, with what is needed to rebuild the model and read new inputs.

    ``meta`` holds plain values only (numbers, strings, lists) so it can travel inside a
    checkpoint and be loaded with ``torch.load(weights_only=True)``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    meta: dict = field(default_factory=dict)


def stratified_indices(
    y: np.ndarray, val_fraction: float, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices of the train, validation and test sets, each class cut in the same proportions.

    Stratifying keeps a rare class from vanishing from the small test set by bad luck.
    """
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        n_test = round(len(rows) * test_fraction)
        n_val = round(len(rows) * val_fraction)
        parts[2].append(rows[:n_test])
        parts[1].append(rows[n_test : n_test + n_val])
        parts[0].append(rows[n_test + n_val :])
    # shuffle across classes too, so a capped training set still holds every class
    train, val, test = (rng.permutation(np.concatenate(p)) for p in parts)
    return train, val, test


def split(
    x: np.ndarray,
    y: np.ndarray,
    class_names: list[str],
    data_config: dict,
    seed: int,
    meta: dict | None = None,
) -> Splits:
    """Cut ``x, y`` into train, validation and test sets as ``data_config`` asks.

    The test set is only looked at by `evaluate`; the validation set picks the best epoch.
    ``max_train_samples`` caps the training set (the tests use it). Too few rows for a split to
    get any is an error: an empty validation or test set would score nothing.
    """
    val_fraction = float(data_config.get("val_fraction", 0.15))
    test_fraction = float(data_config.get("test_fraction", 0.2))
    train, val, test = stratified_indices(y, val_fraction, test_fraction, seed)
    empty = [name for name, rows in (("training", train), ("validation", val), ("test", test))
             if len(rows) == 0]  # fmt: skip
    if empty:
        raise ValueError(
            f"the data has {len(y)} rows ({len(class_names)} classes), too few to split: the "
            f"{' and '.join(empty)} set{'s' if len(empty) > 1 else ''} would be empty with "
            f"val_fraction {val_fraction} and test_fraction {test_fraction}; each class needs "
            "a few rows in every split"
        )
    cap = data_config.get("max_train_samples")
    if cap:
        train = train[: int(cap)]
    return Splits(
        x[train], y[train], x[val], y[val], x[test], y[test], list(class_names), dict(meta or {})
    )
