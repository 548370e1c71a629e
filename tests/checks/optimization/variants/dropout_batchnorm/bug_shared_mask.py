"""BUG: one dropout mask shared by every row of the batch."""

from __future__ import annotations

import torch
from torch import nn


def dropout(x: torch.Tensor, p: float, training: bool = True) -> torch.Tensor:
    """Inverted dropout.

    training: zero each element independently with probability p, and scale the survivors by
    1 / (1 - p) so the expected value of every element is unchanged; p = 1 gives all zeros.
    not training: return x unchanged (the identity).
    Never modifies x in place; keeps its shape, dtype and device.
    """
    if not training or p == 0.0:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x[:1]) >= p).to(x.dtype)  # 1 with probability 1 - p
    return x * keep / (1.0 - p)


class BatchNorm1d(nn.Module):
    """Batch normalization over a (N, C) batch, with PyTorch's conventions.

    training: normalize with the batch mean and the BIASED batch variance (divide by N), then
        running = (1 - momentum) * running + momentum * batch_statistic,
        where the running variance uses the UNBIASED batch variance (divide by N - 1).
    eval: normalize with running_mean and running_var; the batch itself plays no part.
    y = weight * (x - mean) / sqrt(var + eps) + bias
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        # buffers: saved in state_dict and moved by .to(), but not trained
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            n = x.shape[0]
            mean = x.mean(dim=0)  # (C,)
            var = ((x - mean) ** 2).mean(dim=0)  # (C,) biased: used to normalize
            with torch.no_grad():  # the running statistics are not part of the graph
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * n / (n - 1))
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean) / torch.sqrt(var + self.eps)  # (N, C)
        return self.weight * x_hat + self.bias
