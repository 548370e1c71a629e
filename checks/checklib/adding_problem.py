"""The adding problem for the sequence checks: padded, variable-length batches whose target at
each step is the running sum of the two marked values, and the masked-loss oracle."""

from __future__ import annotations

from typing import Any

import numpy as np


def adding_batch(n: int, t_max: int, rng: np.random.Generator, t_min: int = 1,
                 lengths: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (n, t_max, 2), y (n, t_max) running sums of the marked values, lengths (n,); pads 0."""
    if lengths is None:
        lengths = rng.integers(t_min, t_max + 1, size=n)
    lengths = np.asarray(lengths, dtype=np.int64)
    values = rng.random((n, t_max))  # (n, T)
    steps = np.arange(t_max)[None, :]  # (1, T)
    real = steps < lengths[:, None]  # (n, T)
    half = lengths // 2
    first = (rng.random(n) * np.maximum(half, 1)).astype(np.int64)  # in [0, L//2)
    second = half + (rng.random(n) * (lengths - half)).astype(np.int64)  # in [L//2, L)
    marks = (steps == first[:, None]) | (steps == second[:, None])  # (n, T)
    x = np.stack([values * real, marks * real], axis=-1)  # (n, T, 2)
    y = np.cumsum(values * marks, axis=1) * real  # (n, T)
    return x, y, lengths


def oracle_mask(lengths: Any, total: int) -> Any:
    import torch

    return torch.arange(total)[None, :] < torch.as_tensor(lengths)[:, None]  # (N, T)


def oracle_mse(pred: Any, target: Any, lengths: Any) -> Any:
    import torch

    mask = oracle_mask(lengths, pred.shape[1]).to(pred.device)  # (N, T)
    squared = torch.where(mask, (pred - target) ** 2, torch.zeros_like(pred))  # (N, T)
    return squared.sum() / mask.sum()


def as_tensors(x: np.ndarray, y: np.ndarray, lengths: np.ndarray, device: Any = "cpu",
             dtype: Any = None) -> tuple[Any, Any, Any]:
    import torch

    dtype = dtype or torch.float32
    return (torch.as_tensor(x, dtype=dtype, device=device),
            torch.as_tensor(lengths, dtype=torch.int64),  # lengths stay on the CPU
            torch.as_tensor(y, dtype=dtype, device=device))


def with_pads(x: np.ndarray, y: np.ndarray, lengths: np.ndarray, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray]:
    """Copies of x and y with large random garbage in every padded step."""
    pad = ~oracle_mask(lengths, x.shape[1]).numpy()  # (N, T)
    x2, y2 = x.copy(), y.copy()
    x2[pad] = rng.uniform(-30, 30, size=(int(pad.sum()), x.shape[2]))
    y2[pad] = rng.uniform(-300, 300, size=int(pad.sum()))
    return x2, y2
