"""BUG: train updates the weights by hand (no torch.optim optimizer), in eval mode, for 2,000
steps: twice the budget."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def prepare(X: np.ndarray) -> torch.Tensor:
    """Flat rows of 64 pixels in [0, 16] -> float32 images in [0, 1]: (N, 64) -> (N, 1, 8, 8)."""
    images = np.asarray(X, dtype=np.float32).reshape(-1, 1, 8, 8)  # (N, 1, 8, 8), row-major
    return torch.from_numpy(images / 16.0)


def build_model() -> nn.Module:
    """(N, 1, 8, 8) images -> (N, 10) logits."""
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),   # (N, 16, 8, 8)
        nn.ReLU(),
        nn.Conv2d(16, 32, kernel_size=3, padding=1),  # (N, 32, 8, 8)
        nn.ReLU(),
        nn.MaxPool2d(2),                              # (N, 32, 4, 4)
        nn.Flatten(),                                 # (N, 512)
        nn.Linear(32 * 4 * 4, 10),                    # (N, 10) logits: no softmax
    )


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, steps: int = 2000,
          batch_size: int = 16, lr: float = 0.1) -> list[float]:
    """Plain gradient descent by hand on random mini-batches, in eval mode.

    Returns the loss of every step.
    """
    model.eval()
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(X), (batch_size,), device=X.device)  # (B,)
        logits = model(X[idx])                                        # (B, 10)
        loss = F.cross_entropy(logits, y[idx])  # log-softmax + NLL in one stable step
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses
