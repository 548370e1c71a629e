"""Seeds and a small training loop that streams its loss to the caller."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from checklib.context import CheckContext


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and (if it is loaded) torch, for a verdict that does not vary by run."""
    random.seed(seed)
    np.random.seed(seed)
    import sys

    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)


def train_steps(
    ctx: CheckContext,
    step: Callable[[int], float],
    total: int,
    evaluate: Callable[[], float] | None = None,
    metric_name: str | None = None,
    eval_every: int = 0,
) -> list[float]:
    """Call ``step(i)`` (one optimisation step, returning its loss) ``total`` times.

    Streams progress to the caller; returns the losses. A NaN or infinite loss fails at once.
    """
    losses: list[float] = []
    metric = None
    for i in range(1, total + 1):
        loss = float(step(i))
        losses.append(loss)
        if not np.isfinite(loss):
            ctx.fail(f"the loss became {loss} at step {i}: training diverged", "training")
        if evaluate is not None and eval_every and (i % eval_every == 0 or i == total):
            metric = evaluate()
        ctx.progress(i, total, loss=loss, metric=metric, metric_name=metric_name, force=i == total)
    return losses


def batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Shuffled index batches covering ``range(n)`` once."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def to_tensor(array: Any, ctx: CheckContext, dtype: Any = None) -> Any:
    import torch

    return torch.as_tensor(array, dtype=dtype or torch.float32, device=ctx.torch_device())
