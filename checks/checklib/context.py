"""What a check receives (CheckContext) and how it reports a failure (CheckFailure)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

LAYERS = ("contract", "values", "gradients", "probes", "training")


class CheckFailure(Exception):
    """The learner's code is wrong in a way the check can name."""

    def __init__(self, message: str, layer: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.layer = layer


@dataclass
class CheckContext:
    """Everything a check may use: the learner's module, the seed, the device and a progress feed.

    ``emit`` sends an event dict to whoever runs the check (the engine streams it to the CLI or
    the TUI); progress events are rate-limited so a tight loop cannot flood the pipe.
    """

    learner: ModuleType
    learner_path: Path
    seed: int = 0
    device: str = "cpu"
    emit: Callable[[dict[str, Any]], None] = lambda event: None
    current_layer: str = "contract"
    metrics: dict[str, float] = field(default_factory=dict)
    _last_progress: float = 0.0

    def layer(self, name: str) -> None:
        """Enter a layer: later failures, and exceptions from the learner's code, belong to it."""
        if name not in LAYERS:
            raise ValueError(f"unknown layer {name!r}; use one of {LAYERS}")
        self.current_layer = name

    def fail(self, message: str, layer: str | None = None) -> NoReturn:
        raise CheckFailure(message, layer or self.current_layer)

    def metric(self, name: str, value: float) -> None:
        """Record a figure that the verdict reports (accuracy, final loss, ...)."""
        self.metrics[name] = float(value)

    def log(self, message: str) -> None:
        self.emit({"event": "log", "message": message})

    def progress(
        self,
        step: int,
        total: int,
        loss: float | None = None,
        metric: float | None = None,
        metric_name: str | None = None,
        force: bool = False,
    ) -> None:
        """Report a training step; at most ~20 events a second reach the caller."""
        now = time.monotonic()
        if not force and step < total and now - self._last_progress < 0.05:
            return
        self._last_progress = now
        self.emit(
            {
                "event": "progress",
                "step": int(step),
                "total": int(total),
                "loss": None if loss is None else float(loss),
                "metric": None if metric is None else float(metric),
                "metric_name": metric_name,
            }
        )

    def torch_device(self) -> Any:
        import torch

        return torch.device(self.device)
