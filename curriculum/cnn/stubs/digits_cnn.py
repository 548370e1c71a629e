"""A small CNN for scikit-learn's 8x8 digits.

The check calls, in this order:
  prepare(X)             X: load_digits().data, (N, 64) floats in [0, 16]
  build_model()          a fresh model; the check moves it to its device
  train(model, X, y)     X = prepare(...) rows (N, 1, 8, 8), y (N,) int64, both on that device
and then measures the accuracy on held-out digits.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.cross_entropy
from torch import nn


def prepare(X: np.ndarray) -> torch.Tensor:
    """Flat rows of 64 pixels in [0, 16] -> float32 images in [0, 1].

    (N, 64) -> (N, 1, 8, 8): batch, channel, height, width. Pixel k of a row sits at row k // 8,
    column k % 8 of its image; divide by 16.
    """
    # TODO
    raise NotImplementedError("prepare")


def build_model() -> nn.Module:
    """A CNN from (N, 1, 8, 8) images to (N, 10) logits (raw scores, no softmax).

    At least one nn.Conv2d, a nonlinearity between layers, at most 100,000 parameters.
    """
    # TODO: e.g. conv -> ReLU -> conv -> ReLU -> max-pool -> flatten -> linear
    raise NotImplementedError("build_model")


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> list[float]:
    """Train ``model`` in place on X (N, 1, 8, 8), y (N,); return the loss of every step.

    At most 1,000 optimisation steps. X, y and the model are already on the same device.
    """
    # TODO: an optimizer, then for each step: a mini-batch, logits, cross-entropy, zero_grad,
    # backward, step; collect loss.item()
    raise NotImplementedError("train")
