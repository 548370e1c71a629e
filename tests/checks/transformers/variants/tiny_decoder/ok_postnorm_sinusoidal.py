"""A correct alternative: post-norm blocks, nn.MultiheadAttention, fixed sinusoidal positions."""

import math

import torch
import torch.nn.functional as F
from torch import nn


class TinyDecoder(nn.Module):
    def __init__(self, vocab_size, max_len, d_model=64, n_heads=4, n_layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model)
        pos = torch.arange(max_len).unsqueeze(1)
        freq = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2) / d_model)
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * freq)
        pe[:, 1::2] = torch.cos(pos * freq)
        self.register_buffer("pe", pe)
        self.attn = nn.ModuleList(
            nn.MultiheadAttention(d_model, n_heads, batch_first=True) for _ in range(n_layers))
        self.ff = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.ReLU(),
                          nn.Linear(4 * d_model, d_model)) for _ in range(n_layers))
        self.n1 = nn.ModuleList(nn.LayerNorm(d_model) for _ in range(n_layers))
        self.n2 = nn.ModuleList(nn.LayerNorm(d_model) for _ in range(n_layers))
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pe[:T]
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool, device=idx.device), 1)
        for attn, ff, n1, n2 in zip(self.attn, self.ff, self.n1, self.n2, strict=True):
            a, _ = attn(x, x, x, attn_mask=mask, need_weights=False)
            x = n1(x + a)
            x = n2(x + ff(x))
        return self.head(x)


def reversal_loss(logits, targets, n_answer):
    logits = logits[:, -n_answer:]
    targets = targets[:, -n_answer:]
    return F.cross_entropy(logits.transpose(1, 2), targets)


def generate(model, prompt, n_new):
    with torch.no_grad():
        seq = prompt
        for _ in range(n_new):
            nxt = model(seq)[:, -1].argmax(-1)
            seq = torch.cat([seq, nxt[:, None]], 1)
    return seq[:, -n_new:]
