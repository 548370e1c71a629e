"""The tutor's engine wrapper: a saved device this machine lacks falls back to auto, as
`dlpath check` does, and the run's log says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlpath.engine.verdict import Verdict
from dlpath.tui.engine import SerialEngine


class DeviceEngine:
    """Shaped like CheckRunner's device handling: refuses a preference it does not have."""

    def __init__(self, found: dict[str, bool]) -> None:
        self.device_preference = "auto"
        self.devices: dict[str, Any] = {}
        self.found = found
        self.ran_on: list[str] = []

    def start(self) -> None:
        self.devices = dict(self.found)

    def resolve_device(self) -> str:
        self.start()
        if self.device_preference == "auto":
            return "cuda" if self.found.get("cuda") else "cpu"
        if not self.found.get(self.device_preference):
            raise ValueError(f"device {self.device_preference!r} is not available here")
        return self.device_preference

    def run(self, exercise: str, *args: Any, **kwargs: Any) -> Verdict:
        device = self.resolve_device()  # raises, as CheckRunner turns into a failure, if absent
        self.ran_on.append(device)
        return Verdict(exercise, True, None, "", device=device)

    def cancel(self) -> None: ...

    def close(self) -> None: ...


def run(serial: SerialEngine) -> tuple[Verdict, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    verdict = serial.run("m/x", Path("c.py"), Path("l.py"), Path("."), 5.0, 0, events.append)
    return verdict, events


def test_a_missing_saved_device_falls_back_to_auto_and_says_so():
    engine = DeviceEngine({"cpu": True, "cuda": False, "mps": False})
    serial = SerialEngine(lambda: engine)
    serial.engine.device_preference = "cuda"
    verdict, events = run(serial)
    assert verdict.passed and engine.ran_on == ["cpu"]
    (log,) = [e for e in events if e["event"] == "log"]
    assert "saved device `cuda` is not available here; using cpu" in log["message"]


def test_an_available_saved_device_is_used_silently():
    engine = DeviceEngine({"cpu": True, "cuda": True, "mps": False})
    serial = SerialEngine(lambda: engine)
    serial.engine.device_preference = "cuda"
    verdict, events = run(serial)
    assert verdict.passed and engine.ran_on == ["cuda"] and events == []


class UnstartableEngine(DeviceEngine):
    def resolve_device(self) -> str:
        raise RuntimeError("the check process did not start: no torch")


def test_a_check_process_that_does_not_start_is_a_failed_verdict_not_a_crash():
    verdict, _ = run(SerialEngine(lambda: UnstartableEngine({"cpu": True})))
    assert not verdict.passed and verdict.layer == "internal"
    assert verdict.message == "the check process did not start: no torch"
