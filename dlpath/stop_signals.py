"""SIGTERM and SIGHUP handled like Ctrl-C: as an exception, so that cleanup code runs."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # Windows has no SIGHUP


@contextlib.contextmanager
def on_stop_signals(handle: Callable[[int], None]) -> Iterator[None]:
    """While in the block, SIGTERM and SIGHUP call ``handle(signum)`` (which raises to stop the
    block, so its ``except`` and ``finally`` clauses run); the handlers before are put back after.

    Only a signal left to its default action (ending the process on the spot) is changed: one
    that is ignored (``nohup``) or handled by the program stays as it was. Python lets only the
    main thread set handlers; in another thread this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced = {}
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            replaced[number] = signal.signal(number, lambda signum, frame: handle(signum))
    try:
        yield
    finally:
        for number, handler in replaced.items():
            signal.signal(number, handler)
