"""BUG: build_model takes no argument, so build_model(4) cannot even be called."""

from __future__ import annotations

from torch import nn


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),   # (N, 16, H, W)
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),                      # (N, 16, 1, 1)
        nn.Flatten(),                                 # (N, 16)
        nn.Linear(16, 4),
    )
