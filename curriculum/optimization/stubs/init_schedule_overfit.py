"""Initialise an MLP, schedule its learning rate, and overfit one batch: the first three things
to get right before a long training run.
"""

from __future__ import annotations

import math  # noqa: F401  (you will want math.sqrt, math.cos and math.pi)
from collections.abc import Callable

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


def init_mlp(model: nn.Sequential) -> None:
    """Initialise every nn.Linear of ``model`` (Linear, ReLU, Linear, ReLU, ..., Linear) in place.

    hidden layers (each followed by a ReLU): Kaiming/He, Var(W) = 2 / fan_in
    the last layer: small, so the logits start near zero: std(W) = 0.1 / sqrt(fan_in)
    every bias: 0
    fan_in is the number of inputs of the layer: weight.shape[1] for nn.Linear.
    """
    # TODO: find the nn.Linear layers; under torch.no_grad(), .normal_() the weights with the
    # right std and .zero_() the biases
    raise NotImplementedError("init_mlp")


def lr_at(step: int, *, base_lr: float, warmup_steps: int, total_steps: int,
          min_lr: float = 0.0) -> float:
    """Linear warmup, then cosine decay; ``step`` runs from 0 to total_steps - 1.

    step < warmup_steps:  base_lr * (step + 1) / warmup_steps   (the last warmup step is base_lr)
    otherwise:            progress = (step - warmup_steps) / (total_steps - 1 - warmup_steps)
                          min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * progress))
    so the first step after warmup is base_lr and the last step (total_steps - 1) is min_lr.
    warmup_steps may be 0. Assumes total_steps >= warmup_steps + 2.
    """
    # TODO: two branches
    raise NotImplementedError("lr_at")


def overfit_one_batch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                      y: torch.Tensor, steps: int, lr_fn: Callable[[int], float]) -> list[float]:
    """Train on the single batch (x, y) for ``steps`` steps with cross-entropy.

    At step i (from 0): set every param group's "lr" to lr_fn(i), clear the gradients, compute
    the loss, backpropagate, step. Return the list of the losses, each measured before its own
    update (so the first is the loss at initialisation).
    """
    # TODO: the five lines of a training step, in a loop
    raise NotImplementedError("overfit_one_batch")
