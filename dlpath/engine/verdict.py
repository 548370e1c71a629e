"""What a check run ends with, as plain JSON-friendly data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Layers of a verdict that is not a result: a cancelled run, a fault of dlpath's own, a check
# that could not start (the learner's file is gone, a package is missing).
NOT_RESULTS = ("cancelled", "internal", "setup")


@dataclass
class Verdict:
    """The outcome of one check on one learner file."""

    exercise: str
    passed: bool
    layer: str | None = None  # the layer that failed: contract, values, gradients, probes, ...
    message: str = ""
    traceback: list[str] = field(default_factory=list)  # the learner's own frames, when it raised
    metrics: dict[str, float] = field(default_factory=dict)
    device: str = "cpu"
    duration: float = 0.0
    seed: int = 0
    output: str = ""  # what the learner's code printed, cut to a sane length

    @property
    def recordable(self) -> bool:
        """Whether this belongs in the learner's record: it says something about their code.

        A cancelled run says nothing, and an ``internal`` one is a problem of dlpath's (a check
        that broke, a device that is not there, a check process that did not start); recording
        either would overwrite the learner's real result.
        """
        return self.layer not in NOT_RESULTS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
