"""Exercise: an LSTM cell written by hand, laid out exactly like ``torch.nn.LSTMCell``.

Run the check with: dlpath check lstm_cell
"""

from __future__ import annotations

import math  # noqa: F401  (you will want math.sqrt for the initialisation bound)

import torch
from torch import nn


class LSTMCell(nn.Module):
    """One LSTM step: (x, (h, c)) -> (h', c').

    Parameters, with PyTorch's names and shapes (H = hidden_size, D = input_size). The 4H rows
    hold the four gates stacked in PyTorch's order: i (input), f (forget), g (candidate),
    o (output):
        weight_ih: (4H, D)   weight_hh: (4H, H)   bias_ih: (4H,)   bias_hh: (4H,)
    Initialise every parameter from U(-k, k) with k = 1 / sqrt(hidden_size), as PyTorch does.

    The step, for x: (N, D), h: (N, H), c: (N, H):
        z = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh          (N, 4H), split into i, f, g, o (N, H) each
        i, f, o = sigmoid(i), sigmoid(f), sigmoid(o)
        g = tanh(g)
        c' = f * c + i * g
        h' = o * tanh(c')
    With ``state=None``, h and c start at zeros of x's dtype and device.
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        # TODO: create weight_ih, weight_hh, bias_ih, bias_hh as nn.Parameter with the shapes
        # above, and initialise them from U(-k, k), k = 1 / sqrt(hidden_size).
        raise NotImplementedError("create the four parameters of LSTMCell.__init__")

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: one LSTM step, returning (h_next, c_next), each (N, H).
        raise NotImplementedError("write LSTMCell.forward")
