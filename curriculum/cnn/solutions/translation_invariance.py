"""A CNN that recognises a shape wherever it sits (reference solution).

Convolutions find the same local pattern at every position (equivariance); taking the max over
all positions at the end throws the position away (invariance), so what the model learned from
shapes in the left half of the canvas applies unchanged in the right half.
"""

from __future__ import annotations

import torch
from torch import nn


class GlobalMaxPool(nn.Module):
    """(N, C, H, W) -> (N, C): the strongest response of each feature map, wherever it is."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.amax(dim=(2, 3))  # (N, C)


def build_model(num_classes: int = 4) -> nn.Module:
    """(N, 1, H, W) images of any size -> (N, num_classes) logits."""
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),   # (N, 16, H, W)       sees 3x3
        nn.ReLU(),
        nn.MaxPool2d(2),                              # (N, 16, H/2, W/2)   sees 4x4
        nn.Conv2d(16, 32, kernel_size=3, padding=1),  # (N, 32, H/2, W/2)   sees 8x8
        nn.ReLU(),
        GlobalMaxPool(),                              # (N, 32)
        nn.Linear(32, num_classes),                   # (N, num_classes)
    )
