"""Buggy variant: the signature lost its `causal` parameter."""

from __future__ import annotations

import math

import torch


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., T_q, T_k)
    return torch.softmax(scores, dim=-1) @ v  # (..., T_q, d_v)
