"""Buggy variant: batch-norm over outputs.reshape(N * T, H), so in train mode the batch
statistics include the padded steps and the pad values leak into the real steps' outputs (in
eval mode the running statistics hide it)."""

from __future__ import annotations

import torch
from torch import nn


class AddingLSTM(nn.Module):
    """An LSTM that reads (value, marker) pairs and predicts, at every step, the running sum of
    the marked values seen so far. Its prediction at a sequence's last real step is the answer
    to the adding problem."""

    def __init__(self, hidden_size: int = 32) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=2, hidden_size=hidden_size, batch_first=True)
        self.norm = nn.BatchNorm1d(hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        # x: (N, T, 2) padded batch; lengths: (N,) int64 on the CPU.
        # The LSTM reads left to right, so the output at a real step t < lengths[n] never sees
        # the padding after it: running over the padded tensor is correct here, and on a CPU it
        # is faster than packing. (A bidirectional LSTM, or using h_n, would need packing.)
        outputs, _ = self.lstm(x)  # (N, T, H)
        n, t, h = outputs.shape
        outputs = self.norm(outputs.reshape(n * t, h)).reshape(n, t, h)
        return self.head(outputs).squeeze(-1)  # (N, T)


def sequence_mask(lengths: torch.Tensor, total: int, device: torch.device | None = None
                  ) -> torch.Tensor:
    """(N, total) bool: True at real steps, False at padding."""
    steps = torch.arange(total, device=device)  # (T,)
    return steps[None, :] < lengths.to(device)[:, None]  # (1, T) < (N, 1) -> (N, T)


def masked_mse(pred: torch.Tensor, target: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Mean squared error over the real steps only; every real step weighs the same."""
    mask = sequence_mask(lengths, pred.shape[1], pred.device)  # (N, T)
    squared = (pred - target) ** 2  # (N, T)
    # torch.where, not multiplication: a NaN or inf in the padding must not leak in (0 * inf = nan)
    squared = torch.where(mask, squared, torch.zeros_like(squared))  # (N, T)
    return squared.sum() / mask.sum()  # ()


def last_real_step(values: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """values[n, lengths[n] - 1] for every n: (N, T) -> (N,)."""
    rows = torch.arange(values.shape[0], device=values.device)  # (N,)
    return values[rows, lengths.to(values.device) - 1]  # (N,)


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
               lengths: torch.Tensor, y: torch.Tensor, max_norm: float = 1.0) -> float:
    """One optimisation step on a padded batch, with the gradient norm clipped to max_norm."""
    model.train()
    optimizer.zero_grad()
    loss = masked_mse(model(x, lengths), y, lengths)  # ()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()
