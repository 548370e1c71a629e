"""BUG: a hand-written forward that flattens with view."""

from __future__ import annotations

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.fc = nn.Linear(32 * 8 * 16, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)  # (N, 16, 8, 16)
        x = torch.relu(self.conv2(x))                       # (N, 32, 8, 16)
        return self.fc(x.view(x.shape[0], -1))              # (N, 4096) -> (N, classes)


def build_model(num_classes: int = 4) -> nn.Module:
    return Net(num_classes)
