"""A small Transformer encoder for sentence classification, written out so each step shows.

Token and position embeddings -> N blocks of (self-attention, MLP), each with a residual
connection and pre-LayerNorm -> mean over the real (non-padding) tokens -> a linear head.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class SelfAttention(nn.Module):
    """Multi-head self-attention that never attends to padding."""

    def __init__(self, d_model: int, heads: int, dropout: float) -> None:
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model {d_model} is not divisible by heads {heads}")
        # Sizes and the scale are constants worked out here: computed from x.shape in forward,
        # they would be traced as tensors on export (and PyTorch warns about each one).
        self.d_model, self.heads, self.head_size = d_model, heads, d_model // heads
        self.scale = 1.0 / math.sqrt(self.head_size)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        """``x`` (B, T, C), ``padding`` (B, T) True at padding -> (B, T, C)."""
        batch, length, channels = x.shape
        q, k, v = self.qkv(x).split(self.d_model, dim=2)  # each (B, T, C)
        q, k, v = (
            t.view(batch, length, self.heads, self.head_size).transpose(1, 2)  # (B, nh, T, hs)
            for t in (q, k, v)
        )
        scores = (q @ k.transpose(-2, -1)) * self.scale  # (B, nh, T, T)
        scores = scores.masked_fill(padding[:, None, None, :], float("-inf"))
        weights = self.dropout(scores.softmax(dim=-1))
        out = (weights @ v).transpose(1, 2).reshape(batch, length, channels)  # (B, T, C)
        return self.proj(out)


class Block(nn.Module):
    def __init__(self, d_model: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.attention = SelfAttention(d_model, heads, dropout)
        self.norm2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model),
            nn.GELU(),
            nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), padding)
        return x + self.mlp(self.norm2(x))


class TransformerClassifier(nn.Module):
    """Word ids (B, T), 0 for padding -> logits (B, num_classes)."""

    def __init__(
        self,
        vocab_size: int,
        num_classes: int,
        max_len: int,
        d_model: int = 64,
        heads: int = 4,
        layers: int = 2,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.token = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.position = nn.Parameter(torch.randn(1, max_len, d_model) * 0.02)
        self.blocks = nn.ModuleList(Block(d_model, heads, dropout) for _ in range(layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        padding = ids == 0  # (B, T)
        x = self.token(ids) + self.position[:, : ids.shape[1]]  # (B, T, C)
        for block in self.blocks:
            x = block(x, padding)
        keep = (~padding).unsqueeze(-1).to(x.dtype)  # (B, T, 1)
        pooled = (self.norm(x) * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)  # (B, C)
        return self.head(pooled)
