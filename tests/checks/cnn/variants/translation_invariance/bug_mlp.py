"""BUG: an MLP on the flat pixels."""

from __future__ import annotations

from torch import nn


def build_model(num_classes: int = 4) -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),                # (N, 512)
        nn.Linear(16 * 32, 64),
        nn.ReLU(),
        nn.Linear(64, num_classes),
    )
