"""A correct alternative: each gate computed from its own slice of the stacked parameters."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn


class LSTMCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        k = hidden_size ** -0.5
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        with torch.no_grad():
            self.bias_hh[hidden_size:2 * hidden_size] += 1.0  # forget-gate bias: remember at first

    def forward(self, x, state=None):
        if state is None:
            h = c = torch.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
        else:
            h, c = state
        size = self.hidden_size

        def gate(index: int) -> torch.Tensor:
            rows = slice(index * size, (index + 1) * size)
            return (F.linear(x, self.weight_ih[rows], self.bias_ih[rows])
                    + F.linear(h, self.weight_hh[rows], self.bias_hh[rows]))  # (N, H)

        i, f, g, o = torch.sigmoid(gate(0)), torch.sigmoid(gate(1)), torch.tanh(gate(2)), \
            torch.sigmoid(gate(3))
        c = f * c + i * g  # (N, H)
        return o * torch.tanh(c), c
