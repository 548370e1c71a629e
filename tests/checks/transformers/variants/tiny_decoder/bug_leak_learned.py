"""Buggy variant: a zero-initialised layer reads the NEXT position (torch.roll), so the model is
causal at init and passes the probe before training, then learns to look at the future."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    """Pre-norm block: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.norm1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        H = self.n_heads
        q, k, v = self.qkv(self.norm1(x)).split(C, dim=-1)  # 3 x (B, T, C)
        q = q.view(B, T, H, C // H).transpose(1, 2)  # (B, H, T, Dh)
        k = k.view(B, T, H, C // H).transpose(1, 2)  # (B, H, T, Dh)
        v = v.view(B, T, H, C // H).transpose(1, 2)  # (B, H, T, Dh)
        att = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, H, T, Dh)
        att = att.transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        x = x + self.proj(att)  # (B, T, C)
        return x + self.mlp(self.norm2(x))  # (B, T, C)


class TinyDecoder(nn.Module):
    """Token + learned position embeddings, ``n_layers`` causal blocks, a final norm and head."""

    def __init__(self, vocab_size: int, max_len: int, d_model: int = 64, n_heads: int = 4,
                 n_layers: int = 2) -> None:
        super().__init__()
        self.max_len = max_len
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(Block(d_model, n_heads) for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)
        self.peek = nn.Linear(d_model, d_model)  # reads the NEXT position: zero at init
        nn.init.zeros_(self.peek.weight)
        nn.init.zeros_(self.peek.bias)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        B, T = idx.shape
        positions = torch.arange(T, device=idx.device)  # (T,)
        x = self.tok(idx) + self.pos(positions)  # (B, T, C)
        x = x + self.peek(torch.roll(x, -1, dims=1))  # leaks token t+1 into t once trained
        for block in self.blocks:
            x = block(x)  # (B, T, C)
        return self.head(self.norm(x))  # (B, T, V)


def reversal_loss(logits: torch.Tensor, targets: torch.Tensor, n_answer: int) -> torch.Tensor:
    """Mean cross-entropy over the last ``n_answer`` positions only (the answer digits)."""
    V = logits.shape[-1]
    answer_logits = logits[:, -n_answer:, :]  # (B, n_answer, V)
    answer_targets = targets[:, -n_answer:]  # (B, n_answer)
    return F.cross_entropy(answer_logits.reshape(-1, V), answer_targets.reshape(-1))


@torch.no_grad()
def generate(model: nn.Module, prompt: torch.Tensor, n_new: int) -> torch.Tensor:
    """Greedy decoding: append the most likely next token ``n_new`` times."""
    seq = prompt  # (B, T0)
    for _ in range(n_new):
        logits = model(seq)  # (B, T, V)
        next_token = logits[:, -1, :].argmax(dim=-1, keepdim=True)  # (B, 1)
        seq = torch.cat([seq, next_token], dim=1)  # (B, T + 1)
    return seq[:, prompt.shape[1]:]  # (B, n_new)
