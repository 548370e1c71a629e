"""Time spent per module: the time between a learner's inputs, with idle gaps cut short."""

from __future__ import annotations

import time
from collections.abc import Callable

IDLE_SECONDS = 300.0  # a longer gap between two inputs counts as this much


class StudyClock:
    """Accumulates the study time of the module the learner is in.

    ``touch()`` on every input; ``enter(module)`` when the learner moves to another module (or
    to none, e.g. the home screen) returns the time owed to the module left behind.
    """

    def __init__(
        self, idle: float = IDLE_SECONDS, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle = idle
        self._now = now
        self.module: str | None = None
        self._last = now()
        self._pending = 0.0

    def touch(self) -> None:
        now = self._now()
        if self.module is not None:
            self._pending += min(self.idle, max(0.0, now - self._last))
        self._last = now

    def enter(self, module: str | None) -> tuple[str, float] | None:
        """Switch to ``module``; returns ``(previous module, seconds)`` when time is owed."""
        if module == self.module:
            return None
        owed = self.flush()
        self.module = module
        return owed

    def flush(self) -> tuple[str, float] | None:
        """The time owed to the current module so far, which is then counted as paid."""
        self.touch()
        if self.module is None or self._pending <= 0:
            self._pending = 0.0
            return None
        owed = (self.module, self._pending)
        self._pending = 0.0
        return owed
