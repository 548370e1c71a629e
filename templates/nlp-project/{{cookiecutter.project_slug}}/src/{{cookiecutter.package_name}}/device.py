"""Which device to run on, and the seeds that make a run repeatable."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

DEVICE_CHOICES = ("auto", "cuda", "mps", "cpu")


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def pick_device(preference: str = "auto", local_rank: int = 0) -> torch.device:
    """The device to use: ``auto`` takes CUDA, then Apple's MPS, then the CPU.

    The environment variable ``DEVICE`` overrides the config, so `DEVICE=cpu make train` works
    without editing anything. Asking for a device that is not there is an error, not a fallback:
    a run that silently moved to the CPU would report misleading timings.
    """
    preference = os.environ.get("DEVICE", preference).lower()
    if preference not in DEVICE_CHOICES:
        raise ValueError(f"device {preference!r} is not one of {', '.join(DEVICE_CHOICES)}")
    if preference == "auto":
        if torch.cuda.is_available():
            preference = "cuda"
        elif mps_available():
            preference = "mps"
        else:
            preference = "cpu"
    if preference == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("device 'cuda' was asked for, but CUDA is not available")
        return torch.device("cuda", local_rank % torch.cuda.device_count())
    if preference == "mps" and not mps_available():
        raise ValueError("device 'mps' was asked for, but MPS is not available")
    return torch.device(preference)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (every device) so two runs of one config match."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CUDA and MPS too
    torch.backends.cudnn.benchmark = False  # the fastest kernel choice can change between runs
