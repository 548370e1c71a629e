"""Checkpoints: the weights, with all it takes to rebuild the model without the training data.

A checkpoint also carries the config it was trained with. Whatever reads a checkpoint's data
(evaluate, export, bench) splits and encodes it as that config and the checkpoint's own meta say,
never as today's config does, and refuses a config whose data settings differ: a test set cut
with another seed would overlap the rows the model was trained on, and its score would be wrong.
"""

from __future__ import annotations

from pathlib import Path

import torch

from . import task
from .config import run_dir
from .splits import Splits

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


def load_trained(config: dict, device: torch.device) -> tuple[torch.nn.Module, dict]:
    """The run's best model (see ``load_model``), once ``config`` is known to ask for its data."""
    folder = run_dir(config)
    model, checkpoint = load_model(folder, device, BEST)
    check_same_data(config, checkpoint["config"], folder / BEST)
    return model, checkpoint


def data_settings(config: dict) -> dict:
    """What decides the data a run sees: the seed and every ``data`` setting."""
    settings = {"seed": config.get("seed")}
    settings.update({f"data.{key}": value for key, value in config.get("data", {}).items()})
    return settings


def check_same_data(config: dict, trained_with: dict, checkpoint: Path) -> None:
    """Refuse a ``config`` whose data settings are not ``trained_with``'s, naming each one."""
    asked, trained = data_settings(config), data_settings(trained_with)
    differ = [key for key in {**trained, **asked} if asked.get(key) != trained.get(key)]
    if differ:
        was = ", ".join(f"{key} {trained.get(key)!r}" for key in differ)
        now = ", ".join(f"{key} {asked.get(key)!r}" for key in differ)
        raise ValueError(
            f"{checkpoint} was trained with {was}, not {now} as the config says: its data "
            "must be split and read as in training (or the test rows may overlap the training "
            "rows); use the config it was trained with, or train again"
        )


def trained_splits(checkpoint: dict) -> Splits:
    """The splits the checkpoint's model was trained on: cut with its own data settings and
    seed, encoded with its own meta (a vocabulary, feature statistics)."""
    trained_with = checkpoint["config"]
    return task.load_splits(trained_with["data"], int(trained_with["seed"]), checkpoint["meta"])
