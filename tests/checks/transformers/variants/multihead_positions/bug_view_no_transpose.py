"""Buggy variant: heads split with a bare view(B, H, T, Dh)."""

from __future__ import annotations

import math

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    """Self-attention with ``n_heads`` heads of size d_model // n_heads."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        self.d_model, self.n_heads = d_model, n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        B, T, _ = t.shape
        return t.reshape(B, self.n_heads, T, -1)  # scrambles tokens and heads

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        B, T, D = x.shape
        q = self._split(self.q_proj(x))  # (B, H, T, Dh)
        k = self._split(self.k_proj(x))  # (B, H, T, Dh)
        v = self._split(self.v_proj(x))  # (B, H, T, Dh)
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (B, H, T, T)
        if causal:
            future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)  # (T, T)
            scores = scores.masked_fill(future, float("-inf"))  # (B, H, T, T)
        heads = torch.softmax(scores, dim=-1) @ v  # (B, H, T, Dh)
        merged = heads.transpose(1, 2).reshape(B, T, D)  # (B, T, H * Dh) = (B, T, D)
        return self.out_proj(merged)  # (B, T, D)


def sinusoidal_positions(max_len: int, d_model: int) -> torch.Tensor:
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)); (max_len, d)."""
    position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)  # (L, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (d/2,)
    angle = position / 10000.0 ** (two_i / d_model)  # (L, d/2)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)  # (L, d)
    pe[:, 0::2] = torch.sin(angle)  # even columns
    pe[:, 1::2] = torch.cos(angle)  # odd columns
    return pe.float()  # (L, d)
