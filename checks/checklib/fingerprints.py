"""Known wrong answers: when the learner's output equals one, say which bug it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Fingerprint:
    """The output a known bug produces, and the plain words that name it."""

    value: Any
    message: str
    rtol: float = 1e-6
    atol: float = 1e-8


def match_fingerprint(got: Any, fingerprints: Sequence[Fingerprint]) -> str | None:
    """The message of the first fingerprint ``got`` matches, or None."""
    if hasattr(got, "detach"):
        got = got.detach().cpu().double().numpy()
    got = np.asarray(got, dtype=np.float64)
    for fp in fingerprints:
        value = fp.value
        if hasattr(value, "detach"):
            value = value.detach().cpu().double().numpy()
        value = np.asarray(value, dtype=np.float64)
        if value.shape == got.shape and np.allclose(
            got, value, rtol=fp.rtol, atol=fp.atol, equal_nan=True
        ):
            return fp.message
    return None
