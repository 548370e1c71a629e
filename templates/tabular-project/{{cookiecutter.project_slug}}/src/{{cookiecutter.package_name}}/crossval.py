"""Gradient boosting against the MLP under k-fold cross-validation.

    python -m <package>.crossval [--config FILE] [--set crossval.folds=10]

One train/test split can flatter either model by luck. Here both models are trained and scored
on k different folds of the training and validation data (the test set stays untouched), and
the README shows each model's mean and spread over the folds: a gap smaller than the spread is
no evidence that one model is better.
"""

from __future__ import annotations

import argparse

import numpy as np

from . import task
from .checkpoint import BEST, check_same_data, read_checkpoint
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .device import pick_device, seed_everything
from .metrics import classification_scores, update_metrics
from .train import fit, predict_logits


def crossval(config: dict) -> dict:
    """Score both models on every fold; record and return the mean and spread of each."""
    from sklearn.model_selection import StratifiedKFold

    # the folds go into the run's metrics: cut them from the data the run was trained on
    trained = run_dir(config) / BEST
    check_same_data(config, read_checkpoint(trained)["config"], trained)
    seed = int(config["seed"])
    seed_everything(seed)
    device = pick_device(config.get("device", "auto"))
    splits = task.load_splits(config["data"], seed)
    x = np.concatenate([splits.x_train, splits.x_val])
    y = np.concatenate([splits.y_train, splits.y_val])
    folds = int(config["crossval"]["folds"])
    num_classes = len(splits.class_names)
    names = (task.MODEL_NAME, task.CLASSICAL_NAME)
    scores: dict[str, list[dict]] = {name: [] for name in names}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (train_rows, held_rows) in enumerate(splitter.split(x, y)):
        x_fit, y_fit, x_held, y_held = x[train_rows], y[train_rows], x[held_rows], y[held_rows]
        seed_everything(seed + fold)
        meta = task.feature_meta(x_fit, splits.meta["feature_names"], num_classes)
        model = task.build_model(config["model"], meta).to(device)
        # the held-out fold stands in for validation; no epoch is picked on it
        fit(model, x_fit, y_fit, x_held, y_held, config["train"], device, seed + fold, log=False)
        predicted = predict_logits(model, x_held, device).argmax(dim=1).numpy()
        scores[task.MODEL_NAME].append(classification_scores(y_held, predicted, num_classes))
        trees = task.classical_model(seed).fit(task.classical_features(x_fit, meta), y_fit)
        predicted = trees.predict(task.classical_features(x_held, meta))
        scores[task.CLASSICAL_NAME].append(classification_scores(y_held, predicted, num_classes))
    summary = {"folds": folds, "models": {}}
    for name in names:
        accuracy = [s["accuracy"] for s in scores[name]]
        macro_f1 = [s["macro_f1"] for s in scores[name]]
        summary["models"][name] = {
            "accuracy_mean": float(np.mean(accuracy)),
            "accuracy_std": float(np.std(accuracy)),
            "macro_f1_mean": float(np.mean(macro_f1)),
            "macro_f1_std": float(np.std(macro_f1)),
            "accuracy_per_fold": accuracy,
        }
        print(f"{name:>20}: accuracy {np.mean(accuracy):.4f} ± {np.std(accuracy):.4f}")
    update_metrics(run_dir(config), crossval=summary)
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    with reported_errors():
        crossval(config_from_args(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
