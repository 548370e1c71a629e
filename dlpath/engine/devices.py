"""Choose the one device a run of checks trains on, before any check runs.

Shared by the CLI and the tutor: free of UI code; warnings go to a callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from dlpath.errors import DlpathError, UsageError

DEVICES = ("auto", "cpu", "cuda", "mps")


class DeviceResolver(Protocol):
    """What choosing a device needs of a runner (CheckRunner, or the tutor's engine)."""

    device_preference: str
    devices: dict[str, Any]

    def resolve_device(self) -> str: ...


def choose_device(
    runner: DeviceResolver,
    explicit: str | None,
    saved: str | None,
    warn: Callable[[str], None],
) -> str:
    """The concrete device (cuda, mps or cpu) for ``runner``, which is set to use it.

    ``explicit`` (the ``--device`` option) that is not available here is a UsageError: the
    learner asked for it. A ``saved`` preference that is not (they moved to another machine) is
    a ``warn``-ing, and auto decides instead: CUDA, then MPS, then the CPU. A check process that
    does not start is a DlpathError. Only auto, cuda and mps start the process to look.
    """
    if explicit is not None:
        wanted = explicit
    elif (saved or "auto") in DEVICES:
        wanted = saved or "auto"
    else:
        warn(f"your saved device `{saved}` is unknown; using auto")
        wanted = "auto"
    runner.device_preference = wanted
    try:
        try:
            chosen = runner.resolve_device()
        except ValueError:
            found = ", ".join(d for d in ("cuda", "mps", "cpu") if runner.devices.get(d))
            if explicit is not None:
                raise UsageError(
                    f"--device {wanted}: not available here (this machine has: {found}); "
                    "see `dlpath doctor`"
                ) from None
            runner.device_preference = "auto"
            chosen = runner.resolve_device()
            warn(
                f"your saved device `{wanted}` is not available here; using {chosen} "
                "(change it in the tutor's settings)"
            )
    except (RuntimeError, EOFError) as exc:
        raise DlpathError(str(exc) or "the check process did not start") from None
    runner.device_preference = chosen
    return chosen
