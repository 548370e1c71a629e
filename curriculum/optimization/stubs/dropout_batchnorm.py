"""Inverted dropout and a BatchNorm1d layer with running statistics, written with torch tensors.

No torch.nn.functional.dropout / batch_norm and no nn.Dropout / nn.BatchNorm1d: the point is to
build them. Autograd handles the backward pass, so use differentiable torch operations.
"""

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
    # TODO: draw a keep-mask with torch.rand_like, then rescale
    raise NotImplementedError("dropout")


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
        # TODO: weight (ones) and bias (zeros) as nn.Parameter;
        # running_mean (zeros) and running_var (ones) with self.register_buffer
        raise NotImplementedError("BatchNorm1d.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: pick the statistics by self.training; update the running ones under no_grad
        raise NotImplementedError("BatchNorm1d.forward")
