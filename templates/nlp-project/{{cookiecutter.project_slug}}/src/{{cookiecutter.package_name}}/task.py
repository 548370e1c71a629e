"""What this project classifies: the one module the shared training code asks about its task.

train, evaluate, predict, export and bench call only the names defined here, so a new data set
or model means changing this module, data.py and model.py, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch import nn

from .data import build_vocabulary, encode, read_labelled_csv
from .model import TransformerClassifier
from .splits import Splits, split

MODEL_NAME = "small Transformer"
CLASSICAL_NAME = "logistic regression on word counts"
INPUT_HELP = "sentences to classify (quote each one)"


def load_splits(data_config: dict, seed: int, meta: dict | None = None) -> Splits:
    """The configured CSV file, cut into splits and encoded with the training split's words.

    ``meta`` is a checkpoint's: the texts are then encoded with the vocabulary and length the
    model was trained with, not with ones built afresh.
    """
    texts, labels = read_labelled_csv(
        Path(data_config["source"]), data_config["text_column"], data_config["label_column"]
    )
    class_names = sorted(set(labels))
    y = np.asarray([class_names.index(label) for label in labels], dtype=np.int64)
    raw = split(np.asarray(texts, dtype=object), y, class_names, data_config, seed)
    if meta is None:
        meta = {
            "vocabulary": build_vocabulary(list(raw.x_train), int(data_config.get("min_count", 1))),
            "max_len": int(data_config["max_len"]),
            "num_classes": len(class_names),
        }
    vocabulary, max_len = meta["vocabulary"], int(meta["max_len"])
    return Splits(
        encode(list(raw.x_train), vocabulary, max_len),
        raw.y_train,
        encode(list(raw.x_val), vocabulary, max_len),
        raw.y_val,
        encode(list(raw.x_test), vocabulary, max_len),
        raw.y_test,
        class_names,
        meta,
    )


def build_model(model_config: dict, meta: dict) -> nn.Module:
    return TransformerClassifier(
        vocab_size=len(meta["vocabulary"]),
        num_classes=int(meta["num_classes"]),
        max_len=int(meta["max_len"]),
        d_model=int(model_config.get("d_model", 64)),
        heads=int(model_config.get("heads", 4)),
        layers=int(model_config.get("layers", 2)),
        dropout=float(model_config.get("dropout", 0.1)),
    )


def classical_model(seed: int):
    """The classical baseline: a linear model on word counts, blind to word order."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000, random_state=seed)


def classical_features(x: np.ndarray, meta: dict) -> np.ndarray:
    """What the classical baseline sees: how often each word occurs (a bag of words)."""
    counts = np.zeros((len(x), len(meta["vocabulary"])), dtype=np.float32)
    for row, ids in enumerate(x):
        np.add.at(counts[row], ids[ids > 0], 1.0)
    return counts


def read_inputs(inputs: list[str], meta: dict) -> tuple[list[str], np.ndarray]:
    """Sentences as a batch of word ids the model accepts."""
    return list(inputs), encode(list(inputs), meta["vocabulary"], int(meta["max_len"]))
