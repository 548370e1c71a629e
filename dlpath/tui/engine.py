"""The check engine as the tutor sees it: any object shaped like ``CheckRunner``.

The app is given an engine (the real ``CheckRunner`` or, in tests, a fake that emits canned
progress) and reaches it only through ``SerialEngine``, which lets one check or device probe run
at a time from worker threads while ``cancel()`` goes straight through from the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from dlpath.engine.devices import DeviceResolver, choose_device
from dlpath.engine.verdict import Verdict
from dlpath.errors import DlpathError

EventHandler = Callable[[dict[str, Any]], None]


class CheckEngine(DeviceResolver, Protocol):
    """What the tutor needs from a check runner (``dlpath.engine.runner.CheckRunner`` is one)."""

    def run(
        self,
        exercise: str,
        check_file: Path,
        learner_file: Path,
        checks_dir: Path,
        timeout: float,
        seed: int = 0,
        on_event: EventHandler | None = None,
    ) -> Verdict: ...

    def start(self) -> None: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


class SerialEngine:
    """Serializes use of a lazily built engine: one check or probe at a time, cancel any time."""

    def __init__(self, make: Callable[[], CheckEngine]) -> None:
        self._make = make
        self._engine: CheckEngine | None = None
        self._made = threading.Lock()
        self._busy = threading.Lock()
        self._cancels = 0  # bumped by cancel(); a run queued before a cancel never starts

    @property
    def started(self) -> bool:
        return self._engine is not None

    @property
    def engine(self) -> CheckEngine:
        with self._made:
            if self._engine is None:
                self._engine = self._make()
            return self._engine

    @property
    def devices(self) -> dict[str, Any]:
        """What the engine's child found (empty until it has started)."""
        return dict(self._engine.devices) if self._engine is not None else {}

    def run(
        self,
        exercise: str,
        check_file: Path,
        learner_file: Path,
        checks_dir: Path,
        timeout: float,
        seed: int = 0,
        on_event: EventHandler | None = None,
    ) -> Verdict:
        ticket = self._cancels
        engine = self.engine
        with self._busy:
            if self._cancels != ticket:
                return Verdict(exercise, False, "cancelled", "cancelled")
            emit = on_event or (lambda event: None)
            # A saved CUDA or MPS preference this machine lacks (the learner moved machines) falls
            # back to auto, as in `dlpath check`, and the run's log says so.
            try:
                choose_device(
                    engine,
                    None,
                    engine.device_preference,
                    lambda message: emit({"event": "log", "message": message}),
                )
            except DlpathError as exc:  # the check process did not start
                return Verdict(exercise, False, "internal", str(exc))
            return engine.run(
                exercise, check_file, learner_file, checks_dir, timeout, seed, on_event
            )

    def probe_devices(self) -> dict[str, Any]:
        """The devices present, starting the engine's child if it has not started (blocking)."""
        engine = self.engine
        with self._busy:
            if not engine.devices:
                engine.start()
            return dict(engine.devices)

    def set_device(self, preference: str) -> None:
        if self._engine is not None:
            self._engine.device_preference = preference

    def cancel(self) -> None:
        """Stop the running check at once; a check waiting for its turn will not start."""
        self._cancels += 1
        if self._engine is not None:
            self._engine.cancel()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.cancel()
            self._engine.close()
