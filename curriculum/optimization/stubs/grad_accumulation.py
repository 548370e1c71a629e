"""Gradient accumulation: one optimizer step from several micro-batches, equal to one big batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn


def accumulate_and_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    micro_batches: Sequence[tuple[torch.Tensor, torch.Tensor]],
) -> float:
    """One optimizer step over the concatenation of ``micro_batches``, one micro-batch at a time.

    ``loss_fn(output, target)`` is a MEAN over its batch. The big batch's loss is the mean over
    all N = sum(n_i) samples, so micro-batch i contributes loss_i * n_i / N (= loss_i / k when
    all k micro-batches have the same size). Clear the gradients once, then run forward and
    backward on each micro-batch (each graph is freed after its backward), then step once.
    Returns the big batch's loss as a Python float.
    """
    # TODO: zero_grad once; for each micro-batch: scaled loss, backward; then step once
    raise NotImplementedError("accumulate_and_step")
