"""One training epoch and an evaluation pass in PyTorch.

`loader` yields batches `(x, y)`: x is (B, features) float, y is (B,) integer class labels.
Batches may differ in size (the last one is usually smaller).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn


def train_epoch(model: nn.Module, loader: Iterable, optimizer: torch.optim.Optimizer,
                loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                device: torch.device) -> float:
    """One pass over `loader` with one optimizer step per batch.

    Put the model in training mode; for each batch move x and y to `device`, clear the old
    gradients, compute `loss_fn(model(x), y)` (the batch's MEAN loss), backpropagate and step.
    Return the mean loss per SAMPLE over the epoch, as a Python float:
        sum over batches of (batch mean loss * batch size) / number of samples.
    """
    # TODO
    raise NotImplementedError("train_epoch")


def evaluate(model: nn.Module, loader: Iterable, device: torch.device) -> float:
    """The accuracy on `loader`: the fraction (0 to 1) of samples whose argmax is the label.

    Put the model in evaluation mode and build no graph (torch.no_grad()).
    Return a Python float.
    """
    # TODO
    raise NotImplementedError("evaluate")
