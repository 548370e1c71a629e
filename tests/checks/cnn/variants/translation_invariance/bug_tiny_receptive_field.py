"""BUG: 1x1 convolutions only: each unit sees a single pixel."""

from __future__ import annotations

import torch
from torch import nn


class GlobalMaxPool(nn.Module):
    """(N, C, H, W) -> (N, C): the strongest response of each feature map, wherever it is."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.amax(dim=(2, 3))  # (N, C)


def build_model(num_classes: int = 4) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=1),    # (N, 8, H, W), sees 1x1
        nn.ReLU(),
        nn.Conv2d(8, 16, kernel_size=1),   # (N, 16, H, W), sees 1x1
        nn.ReLU(),
        GlobalMaxPool(),                   # (N, 16)
        nn.Linear(16, num_classes),
    )
