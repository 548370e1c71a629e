"""Buggy variant: weights from a standard normal, far beyond 1/sqrt(H)."""

from __future__ import annotations

import torch
from torch import nn


class LSTMCell(nn.Module):
    """One LSTM step: (x, (h, c)) -> (h', c'), laid out exactly like ``torch.nn.LSTMCell``.

    Parameters (4H rows = the gates stacked in the order i, f, g, o):
        weight_ih: (4H, D)   weight_hh: (4H, H)   bias_ih: (4H,)   bias_hh: (4H,)
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size))  # (4H, D)
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))  # (4H, H)
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size))  # (4H,)
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size))  # (4H,)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for weight in self.parameters():
            nn.init.normal_(weight, 0.0, 1.0)

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # x: (N, D); h, c: (N, H)
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)  # (N, H), x's dtype and device
            state = (zeros, zeros)
        h, c = state
        gates = (x @ self.weight_ih.T + self.bias_ih
                 + h @ self.weight_hh.T + self.bias_hh)  # (N, 4H)
        i, f, g, o = gates.chunk(4, dim=1)  # each (N, H)
        i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)  # (N, H) in (0, 1)
        g = torch.tanh(g)  # (N, H) in (-1, 1)
        c_next = f * c + i * g  # (N, H)
        h_next = o * torch.tanh(c_next)  # (N, H)
        return h_next, c_next
