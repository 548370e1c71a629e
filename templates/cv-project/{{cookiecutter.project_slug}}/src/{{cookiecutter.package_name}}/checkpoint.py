"""Checkpoints: the weights, with all it takes to rebuild the model without the training data."""

from __future__ import annotations

from pathlib import Path

import torch

from . import task

BEST = "best.pt"  # the epoch with the best validation accuracy: what evaluate and export use
LAST = "last.pt"  # the latest epoch with the optimizer's state: what `train.resume` continues


def save_checkpoint(path: Path, model: torch.nn.Module, **extra: object) -> None:
    """Write ``model``'s weights and ``extra`` (plain values and state dicts) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), **extra}, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def read_checkpoint(path: Path) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: train first (make train)")
    # weights_only: a checkpoint is data, and loading it must not run code
    return torch.load(path, map_location="cpu", weights_only=True)


def load_model(
    run_dir: Path, device: torch.device, name: str = BEST
) -> tuple[torch.nn.Module, dict]:
    """The model saved in ``run_dir``, rebuilt from its own config and meta, in eval mode."""
    checkpoint = read_checkpoint(Path(run_dir) / name)
    model = task.build_model(checkpoint["config"]["model"], checkpoint["meta"])
    model.load_state_dict(checkpoint["model"])
    return model.to(device).eval(), checkpoint
