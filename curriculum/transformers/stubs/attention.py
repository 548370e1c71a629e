"""Scaled dot-product attention with an optional causal mask.

Write `attention(q, k, v, causal=False)`:

    out = softmax(q @ k^T / sqrt(d) + M) @ v

over the last two dimensions, where d = q.shape[-1] and, when `causal` is True,
M[i, j] = -inf for every key j that comes after query i (j > i) and 0 elsewhere.

Shapes: q (..., T_q, d), k (..., T_k, d), v (..., T_k, d_v) -> out (..., T_q, d_v).
Any leading dimensions (a batch, heads, ...) pass straight through: (B, H, T, d) works
as well as (B, T, d). With causal=True, T_q equals T_k.

Rules: use torch operations (matmul, masked_fill, softmax); do not call
F.scaled_dot_product_attention or nn.MultiheadAttention (the check compares you with them).
Keep the dtype and the device of the inputs, and keep the result differentiable.
"""

from __future__ import annotations

import torch


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
              causal: bool = False) -> torch.Tensor:
    """softmax(q k^T / sqrt(d) + mask) v: q (..., T_q, d), k (..., T_k, d), v (..., T_k, d_v)."""
    # TODO: scores = q k^T / sqrt(d)                       # (..., T_q, T_k)
    # TODO: if causal, set the scores of future keys to -inf (before the softmax)
    # TODO: softmax over the keys, then weight the values  # (..., T_q, d_v)
    raise NotImplementedError("attention: compute softmax(q k^T / sqrt(d) + mask) v")
