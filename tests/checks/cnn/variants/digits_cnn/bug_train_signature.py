"""BUG: train takes an extra `device` argument the check does not pass."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def prepare(X: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(X, dtype=np.float32).reshape(-1, 1, 8, 8) / 16.0)


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(),   # (N, 16, 8, 8)
        nn.MaxPool2d(2),                                         # (N, 16, 4, 4)
        nn.Flatten(),                                            # (N, 256)
        nn.Linear(16 * 4 * 4, 10),                               # (N, 10)
    )


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, device: str) -> list[float]:
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(300):
        idx = torch.randint(0, len(X), (64,), device=X.device)   # (64,)
        loss = F.cross_entropy(model(X[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
