"""A tiny decoder-only Transformer that learns to reverse 8 digits.

The task: a sequence is 8 random digits (tokens 0-9), the separator token 10, then the same
digits reversed, 17 tokens in all:  3 1 4 1 5 9 2 6 | 6 2 9 5 1 4 1 3.
The model reads seq[:, :-1] (16 tokens) and predicts seq[:, 1:] (the next token everywhere).

Write three things:

1. `TinyDecoder(vocab_size, max_len, d_model=64, n_heads=4, n_layers=2)`, an nn.Module:
       forward(idx) maps token ids (B, T) (int64, any T <= max_len) to logits (B, T, vocab_size):
       token embedding + positional encoding (learned or sinusoidal), n_layers blocks of
       causal multi-head self-attention and an MLP, each with a residual connection and a
       LayerNorm, then a final linear layer to vocab_size. Return logits, not probabilities.
       The output at position t may depend only on tokens 0..t (the check verifies it).
       You may use your attention from the earlier exercises or F.scaled_dot_product_attention.

2. `reversal_loss(logits, targets, n_answer)` -> a scalar tensor: the mean cross-entropy over
   the LAST n_answer positions only (the answer digits). The prompt digits are random, so
   predicting them is impossible and would only add noise to the loss.
       logits (B, T, V), targets (B, T) = seq[:, 1:]

3. `generate(model, prompt, n_new)` -> (B, n_new) int64: greedy decoding. Repeat n_new times:
   run the model on the sequence so far, take the most likely token at the LAST position,
   append it. Return only the new tokens. No gradients are needed.

The check builds TinyDecoder(11, 17, d_model=64, n_heads=4, n_layers=2), trains it with AdamW
for 150 steps of 64 sequences using your loss, then asks for >= 98% of held-out sequences
reversed exactly (generated greedily).
"""

from __future__ import annotations

import torch
from torch import nn


class TinyDecoder(nn.Module):
    """Token ids (B, T) -> next-token logits (B, T, vocab_size), causally."""

    def __init__(self, vocab_size: int, max_len: int, d_model: int = 64, n_heads: int = 4,
                 n_layers: int = 2) -> None:
        super().__init__()
        # TODO: token embedding, positional encoding, n_layers causal blocks, final norm + head
        raise NotImplementedError("TinyDecoder.__init__: build the layers")

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """(B, T) int64 -> (B, T, vocab_size) logits."""
        # TODO: x = tok(idx) + pos(0..T-1)   # (B, T, C)
        # TODO: each block: x = x + attn(norm(x)) with a causal mask; x = x + mlp(norm(x))
        # TODO: return head(norm(x))         # (B, T, V)
        raise NotImplementedError("TinyDecoder.forward")


def reversal_loss(logits: torch.Tensor, targets: torch.Tensor, n_answer: int) -> torch.Tensor:
    """Mean cross-entropy of logits (B, T, V) against targets (B, T) on the last n_answer steps."""
    # TODO: keep only the last n_answer positions, then F.cross_entropy on (N, V) and (N,)
    raise NotImplementedError("reversal_loss: cross-entropy on the answer positions only")


def generate(model: nn.Module, prompt: torch.Tensor, n_new: int) -> torch.Tensor:
    """Greedy decoding: prompt (B, T0) -> the n_new generated tokens (B, n_new)."""
    # TODO: under torch.no_grad(), n_new times: logits of the last position -> argmax -> append
    raise NotImplementedError("generate: greedy decoding, one token at a time")
