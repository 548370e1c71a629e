"""BUG: flatten + linear instead of global pooling: each position has its own weights."""

from __future__ import annotations

from torch import nn


def build_model(num_classes: int = 4) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),   # (N, 16, 16, 32)
        nn.ReLU(),
        nn.MaxPool2d(2),                              # (N, 16, 8, 16)
        nn.Conv2d(16, 32, kernel_size=3, padding=1),  # (N, 32, 8, 16)
        nn.ReLU(),
        nn.MaxPool2d(2),                              # (N, 32, 4, 8)
        nn.Flatten(),                                 # (N, 1024)
        nn.Linear(32 * 4 * 8, num_classes),
    )
