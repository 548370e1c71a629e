"""What this project classifies: the one module the shared training code asks about its task.

train, evaluate, predict, export and bench call only the names defined here, so a new data set
or model means changing this module, data.py and model.py, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from torch import nn

from .data import load_digits_arrays, load_image_folder, read_image
from .model import SmallCNN
from .splits import Splits, split

MODEL_NAME = "small CNN"
CLASSICAL_NAME = "logistic regression on pixels"
INPUT_HELP = "image files (.png, .jpg, .bmp or .npy)"


def load_splits(data_config: dict, seed: int, meta: dict | None = None) -> Splits:
    """The configured images, cut into train, validation and test sets.

    ``meta`` is a checkpoint's: the images are then read at the size the model was trained on.
    """
    source = str(data_config.get("source", "digits"))
    if source == "digits":
        x, y, class_names = load_digits_arrays()
    else:
        size = int(meta["image_size"]) if meta else int(data_config["image_size"])
        x, y, class_names = load_image_folder(Path(source), size)
    if meta is None:
        meta = {"image_size": int(x.shape[-1]), "num_classes": len(class_names)}
    return split(x, y, class_names, data_config, seed, meta)


def build_model(model_config: dict, meta: dict) -> nn.Module:
    return SmallCNN(
        num_classes=int(meta["num_classes"]),
        channels=int(model_config.get("channels", 16)),
        dropout=float(model_config.get("dropout", 0.1)),
    )


def classical_model(seed: int):
    """The classical baseline: a linear model on the raw pixels."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000, random_state=seed)


def classical_features(x: np.ndarray, meta: dict) -> np.ndarray:
    """What the classical baseline sees: each image flattened to one row of pixels."""
    return x.reshape(len(x), -1)


def read_inputs(inputs: list[str], meta: dict) -> tuple[list[str], np.ndarray]:
    """Image files as a batch the model accepts, named by their paths."""
    size = int(meta["image_size"])
    return list(inputs), np.stack([read_image(Path(path), size) for path in inputs])
