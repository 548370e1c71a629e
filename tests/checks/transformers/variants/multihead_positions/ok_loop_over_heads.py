"""A correct alternative: one attention per head in a Python loop, positions with exp/log."""

from __future__ import annotations

import math

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.d_model, self.n_heads = d_model, n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, causal=False):
        T = x.shape[1]
        dh = self.d_model // self.n_heads
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        outs = []
        for h in range(self.n_heads):
            cols = slice(h * dh, (h + 1) * dh)
            s = q[..., cols] @ k[..., cols].transpose(1, 2) / math.sqrt(dh)
            if causal:
                s = s.masked_fill(torch.ones(T, T, device=x.device).triu(1).bool(), -math.inf)
            outs.append(s.softmax(-1) @ v[..., cols])
        return self.out_proj(torch.cat(outs, dim=-1))


def sinusoidal_positions(max_len, d_model):
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
    pe = torch.stack([torch.sin(pos * freq), torch.cos(pos * freq)], dim=-1)
    return pe.reshape(max_len, d_model)
