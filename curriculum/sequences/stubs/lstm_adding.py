"""Exercise: the adding problem on padded, variable-length batches.

Each sequence is a (T_n, 2) array of pairs (value, marker): values are uniform in [0, 1), and
exactly two steps carry marker 1. The target at step t is the sum of the marked values among
steps 0..t (a running sum), so the target at the last real step is the classic adding problem's
answer. A batch is padded to T steps: x (N, T, 2) float, y (N, T) float, lengths (N,) int64 on
the CPU; whatever sits at the padded steps (t >= lengths[n]) must not matter.

Run the check with: dlpath check lstm_adding
"""

from __future__ import annotations

import torch
from torch import nn


class AddingLSTM(nn.Module):
    """nn.LSTM(input_size=2, hidden_size, batch_first=True) followed by nn.Linear(hidden_size, 1).

    forward(x, lengths): x (N, T, 2), lengths (N,) -> predictions (N, T), one per step.
    Outputs at real steps must not depend on the padding; outputs at padded steps can be anything.
    """

    def __init__(self, hidden_size: int = 32) -> None:
        super().__init__()
        # TODO: the LSTM and the linear head.
        raise NotImplementedError("build AddingLSTM's layers")

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        # TODO: (N, T, 2) -> (N, T)
        raise NotImplementedError("write AddingLSTM.forward")


def masked_mse(pred: torch.Tensor, target: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Mean of (pred - target)² over the real steps only: sum over t < lengths[n], divided by
    lengths.sum(). pred, target: (N, T); returns a 0-dim tensor that carries the gradient."""
    # TODO
    raise NotImplementedError("write masked_mse")


def last_real_step(values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """values[n, lengths[n] - 1] for each row n: (N, T) -> (N,)."""
    # TODO
    raise NotImplementedError("write last_real_step")


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
               lengths: torch.Tensor, y: torch.Tensor, max_norm: float = 1.0) -> float:
    """One step: clear old gradients, masked loss, backward, clip the gradient norm to max_norm,
    optimizer step. Returns the loss as a Python float."""
    # TODO
    raise NotImplementedError("write train_step")
