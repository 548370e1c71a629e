"""A fake check engine: canned progress events and a canned verdict, no child process."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from dlpath.engine.verdict import Verdict

CPU_ONLY = {"cpu": True, "cuda": False, "mps": False, "threads": 2, "torch": "fake"}


class FakeEngine:
    """Shaped like ``CheckRunner``: emits ``steps`` progress events with a falling loss.

    ``hold`` keeps the run going after its events until ``release()`` or ``cancel()``, so a test
    can act while a check "trains". ``raises`` makes ``run`` raise instead of returning.
    """

    def __init__(
        self,
        *,
        steps: int = 40,
        passed: bool = True,
        layer: str | None = None,
        message: str = "",
        traceback: tuple[str, ...] = (),
        metrics: dict[str, float] | None = None,
        hold: bool = False,
        delay: float = 0.0,
        raises: Exception | None = None,
        devices: dict[str, Any] | None = None,
    ) -> None:
        self.steps = steps
        self.passed = passed
        self.layer = layer
        self.message = message
        self.traceback = list(traceback)
        self.metrics = metrics if metrics is not None else {"final_loss": 0.0004}
        self.hold = hold
        self.delay = delay
        self.raises = raises
        self.device_preference = "auto"
        self.devices: dict[str, Any] = {}
        self.found = devices if devices is not None else CPU_ONLY
        self.calls: list[dict[str, Any]] = []
        self.cancelled = threading.Event()
        self.released = threading.Event()
        self.started = threading.Event()
        self.closed = False

    def start(self) -> None:
        self.devices = dict(self.found)

    def resolve_device(self) -> str:
        self.start()
        return "cpu"

    def release(self) -> None:
        self.released.set()

    def run(
        self,
        exercise: str,
        check_file: Path,
        learner_file: Path,
        checks_dir: Path,
        timeout: float,
        seed: int = 0,
        on_event: Any = None,
    ) -> Verdict:
        self.cancelled.clear()
        self.released.clear()
        self.calls.append({"exercise": exercise, "learner": learner_file, "check": check_file})
        self.resolve_device()
        self.started.set()
        emit = on_event or (lambda event: None)
        if self.raises is not None:
            raise self.raises
        emit({"event": "log", "message": "training a tiny model"})
        for step in range(1, self.steps + 1):
            if self.cancelled.is_set():
                return Verdict(exercise, False, "cancelled", "cancelled", device="cpu")
            loss = 2.0 * 0.85**step
            emit(
                {
                    "event": "progress",
                    "step": step,
                    "total": self.steps,
                    "loss": loss,
                    "metric": None,
                    "metric_name": None,
                }
            )
            if self.delay:
                self.cancelled.wait(self.delay)
        if self.hold:
            while not (self.cancelled.is_set() or self.released.is_set()):
                self.cancelled.wait(0.01)
            if self.cancelled.is_set():
                return Verdict(exercise, False, "cancelled", "cancelled", device="cpu")
        return Verdict(
            exercise,
            self.passed,
            self.layer,
            self.message,
            traceback=list(self.traceback),
            metrics=dict(self.metrics),
            device="cpu",
            duration=1.5,
        )

    def cancel(self) -> None:
        self.cancelled.set()

    def close(self) -> None:
        self.closed = True
