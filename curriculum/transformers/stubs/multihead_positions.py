"""Multi-head self-attention, and sinusoidal positional encodings.

1. `MultiHeadAttention(d_model, n_heads)`: an nn.Module whose forward(x, causal=False) maps
   x (B, T, d_model) to (B, T, d_model):
       q, k, v = q_proj(x), k_proj(x), v_proj(x)           each (B, T, d_model)
       split each into n_heads heads of size Dh = d_model // n_heads   -> (B, H, T, Dh)
       heads = softmax(q k^T / sqrt(Dh) + M) v  per head   -> (B, H, T, Dh)
       merge the heads back                                 -> (B, T, d_model)
       return out_proj(merged)
   M is the causal mask (-inf where key j > query i) when causal=True, else 0.
   Keep the four nn.Linear layers and their names: the check copies their weights into
   nn.MultiheadAttention and compares the outputs.

2. `sinusoidal_positions(max_len, d_model)` -> tensor (max_len, d_model), d_model even:
       PE[p, 2i]     = sin(p / 10000^(2i / d_model))
       PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))

Rules: write the attention yourself (matmul, masked_fill, softmax; no
F.scaled_dot_product_attention or nn.MultiheadAttention). A Python loop over the heads would
work, but the point is to treat the heads as one more batch axis: reshape instead.
"""

from __future__ import annotations

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    """Self-attention with n_heads heads of size d_model // n_heads."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        self.d_model, self.n_heads = d_model, n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        """(B, T, d_model) -> (B, T, d_model)."""
        # TODO: project x to q, k, v                              # (B, T, D) each
        # TODO: split into heads: (B, T, D) -> (B, T, H, Dh) -> (B, H, T, Dh)
        # TODO: attention per head, scaled by 1/sqrt(Dh), causal mask if asked
        # TODO: merge the heads back to (B, T, D), then apply out_proj
        raise NotImplementedError("MultiHeadAttention.forward: split, attend, merge, project")


def sinusoidal_positions(max_len: int, d_model: int) -> torch.Tensor:
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)); (max_len, d)."""
    # TODO: positions (max_len, 1) and frequencies (d_model/2,); angles (max_len, d_model/2)
    # TODO: sines in the even columns, cosines in the odd columns
    raise NotImplementedError("sinusoidal_positions: sin on even columns, cos on odd ones")
