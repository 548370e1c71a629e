"""Engine events from a worker thread to the UI, collapsed so that a flood costs one redraw."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class EventFeed:
    """A thread-safe buffer: ``push`` from the worker, ``drain`` on the UI thread.

    ``wake`` is called only when the buffer goes from empty to non-empty, so however fast events
    arrive, the UI handles them in batches, once per message it has time to process.
    """

    def __init__(self, wake: Callable[[], object]) -> None:
        self._wake = wake
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []

    def push(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(event)
            first = len(self._events) == 1
        if first:
            self._wake()

    def drain(self) -> list[dict[str, Any]]:
        with self._lock:
            events, self._events = self._events, []
        return events
