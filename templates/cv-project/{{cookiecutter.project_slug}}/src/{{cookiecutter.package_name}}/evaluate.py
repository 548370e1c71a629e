"""Score the best checkpoint on the held-out test set, beside two baselines.

    python -m <package>.evaluate [--config FILE] [--set key=value]

A reviewer's first question is "better than what?": a dummy classifier (always the most frequent
class) shows what the data gives away for free, and a classical model shows what a deep model has
to beat to be worth its cost. All three are fitted on the same training split.
"""

from __future__ import annotations

import argparse

from . import task
from .checkpoint import load_trained, trained_splits
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .device import pick_device, seed_everything
from .metrics import classification_scores, update_metrics
from .splits import Splits
from .train import predict_logits

DUMMY_NAME = "most frequent class"


def fit_baselines(splits: Splits, seed: int) -> dict[str, dict]:
    """Test scores of the dummy and the classical baseline, each fitted on the training split."""
    from sklearn.dummy import DummyClassifier

    train_features = task.classical_features(splits.x_train, splits.meta)
    test_features = task.classical_features(splits.x_test, splits.meta)
    results = {}
    for name, estimator in (
        (DUMMY_NAME, DummyClassifier(strategy="most_frequent")),
        (task.CLASSICAL_NAME, task.classical_model(seed)),
    ):
        estimator.fit(train_features, splits.y_train)
        predictions = estimator.predict(test_features)
        scores = classification_scores(splits.y_test, predictions, len(splits.class_names))
        results[name] = {key: scores[key] for key in ("accuracy", "macro_f1")}
    return results


def evaluate(config: dict) -> dict:
    """Write the test scores of the model and the baselines into the run's metrics file.

    The test set is the one the checkpoint's own config held out; a config asking for other
    data (another seed, other fractions) is refused rather than scored on the wrong rows.
    """
    device = pick_device(config.get("device", "auto"))
    model, checkpoint = load_trained(config, device)
    seed = int(checkpoint["config"]["seed"])
    seed_everything(seed)
    splits = trained_splits(checkpoint)
    predictions = predict_logits(model, splits.x_test, device).argmax(dim=1).numpy()
    test = classification_scores(splits.y_test, predictions, len(splits.class_names))
    test["samples"] = int(len(splits.y_test))
    test["checkpoint_epoch"] = int(checkpoint["epoch"])
    metrics = update_metrics(
        run_dir(config),
        class_names=checkpoint["class_names"],
        test=test,
        baselines=fit_baselines(splits, seed),
    )
    print(f"test accuracy {test['accuracy']:.4f}  macro-F1 {test['macro_f1']:.4f}")
    for name, scores in metrics["baselines"].items():
        print(f"  baseline {name}: accuracy {scores['accuracy']:.4f}")
    return metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    with reported_errors():
        evaluate(config_from_args(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
