"""Buggy variant: TinyDecoder hard-codes its sizes and takes no d_model, n_heads, n_layers."""

from __future__ import annotations

import torch
from torch import nn


class TinyDecoder(nn.Module):
    def __init__(self, vocab_size: int, max_len: int) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab_size, 64)
        self.head = nn.Linear(64, vocab_size)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        return self.head(self.tok(idx))


def reversal_loss(logits, targets, n_answer):
    answer = logits[:, -n_answer:].transpose(1, 2)
    return nn.functional.cross_entropy(answer, targets[:, -n_answer:])


def generate(model, prompt, n_new):
    return prompt[:, :n_new]
