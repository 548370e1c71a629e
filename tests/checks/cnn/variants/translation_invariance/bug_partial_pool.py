"""BUG: pools to a 1x2 grid, which keeps left and right apart."""

from __future__ import annotations

from torch import nn


def build_model(num_classes: int = 4) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),   # (N, 16, H, W)
        nn.ReLU(),
        nn.MaxPool2d(2),                              # (N, 16, H/2, W/2)
        nn.Conv2d(16, 32, kernel_size=3, padding=1),  # (N, 32, H/2, W/2)
        nn.ReLU(),
        nn.AdaptiveMaxPool2d((1, 2)),                 # (N, 32, 1, 2): a left and a right half
        nn.Flatten(),                                 # (N, 64)
        nn.Linear(64, num_classes),
    )
