"""BUG: the loss is divided by the batch size before backward (the gradient is 32 times too
small at every step, not clipped)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn


def init_mlp(model: nn.Sequential) -> None:
    """Initialise every nn.Linear of ``model`` (Linear, ReLU, Linear, ReLU, ..., Linear) in place.

    hidden layers (each followed by a ReLU): Kaiming/He, Var(W) = 2 / fan_in
    the last layer: small, so the logits start near zero: std(W) = 0.1 / sqrt(fan_in)
    every bias: 0
    fan_in is the number of inputs of the layer: weight.shape[1] for nn.Linear.
    """
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for i, layer in enumerate(linears):
            fan_in = layer.weight.shape[1]
            std = math.sqrt(2.0 / fan_in) if i < len(linears) - 1 else 0.1 / math.sqrt(fan_in)
            layer.weight.normal_(0.0, std)
            layer.bias.zero_()


def lr_at(step: int, *, base_lr: float, warmup_steps: int, total_steps: int,
          min_lr: float = 0.0) -> float:
    """Linear warmup, then cosine decay; ``step`` runs from 0 to total_steps - 1.

    step < warmup_steps:  base_lr * (step + 1) / warmup_steps   (the last warmup step is base_lr)
    otherwise:            progress = (step - warmup_steps) / (total_steps - 1 - warmup_steps)
                          min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * progress))
    so the first step after warmup is base_lr and the last step (total_steps - 1) is min_lr.
    Assumes total_steps >= warmup_steps + 2.
    """
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / (total_steps - 1 - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress))


def overfit_one_batch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                      y: torch.Tensor, steps: int, lr_fn: Callable[[int], float]) -> list[float]:
    """Train on the single batch (x, y) for ``steps`` steps with cross-entropy.

    At step i (from 0): set every param group's "lr" to lr_fn(i), clear the gradients, compute
    the loss, backpropagate, step. Return the list of the losses, each measured before its own
    update (so the first is the loss at initialisation).
    """
    losses = []
    model.train()
    for step in range(steps):
        for group in optimizer.param_groups:
            group["lr"] = lr_fn(step)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        (loss / len(x)).backward()  # 'per sample'
        optimizer.step()
        losses.append(loss.item())
    return losses
