"""Bug: backpropagates the batch's loss divided by the number of batches, so every gradient is
len(loader) times too small (it looks like a clipped one, but by the same factor every step)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn


def train_epoch(model: nn.Module, loader: Iterable, optimizer: torch.optim.Optimizer,
                loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                device: torch.device) -> float:
    """One pass over `loader`, one optimizer step per batch; the mean loss per sample."""
    model.train()  # dropout on, batch-norm uses (and updates) batch statistics
    total, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()  # .grad from the previous batch must not leak into this one
        loss = loss_fn(model(x), y)  # the mean over this batch
        (loss / len(loader)).backward()  # 'averages over the epoch'
        optimizer.step()
        total += loss.item() * len(x)  # .item(): a Python float, the graph can be freed
        count += len(x)
    return total / count


@torch.no_grad()  # no graph is built: less memory, faster
def evaluate(model: nn.Module, loader: Iterable, device: torch.device) -> float:
    """The fraction of samples in `loader` whose predicted class is the label."""
    model.eval()  # dropout off, batch-norm uses its running statistics
    correct, count = 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        correct += (model(x).argmax(dim=1) == y).sum().item()
        count += len(y)
    return correct / count
