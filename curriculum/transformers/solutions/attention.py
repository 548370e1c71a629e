"""Scaled dot-product attention with an optional causal mask."""

from __future__ import annotations

import math

import torch


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
              causal: bool = False) -> torch.Tensor:
    """softmax(q k^T / sqrt(d) + mask) v over the last two dimensions.

    q: (..., T_q, d), k: (..., T_k, d), v: (..., T_k, d_v) -> (..., T_q, d_v)
    """
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (..., T_q, T_k)
    if causal:
        t_q, t_k = scores.shape[-2], scores.shape[-1]
        future = torch.ones(t_q, t_k, dtype=torch.bool, device=q.device).triu(1)  # (T_q, T_k)
        scores = scores.masked_fill(future, float("-inf"))  # (..., T_q, T_k)
    weights = torch.softmax(scores, dim=-1)  # (..., T_q, T_k): each row sums to 1
    return weights @ v  # (..., T_q, d_v)
