"""Wait until a file is saved: file-system events where they work, polling where they do not."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

POLL_SECONDS = 0.5


Signature = tuple[int, int] | None


def signature(path: Path) -> Signature:
    """What changes when a file is saved: its modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def wait_for_change(
    path: Path, since: Signature, timeout: float | None = None, force_polling: bool | None = None
) -> bool:
    """Block until ``path`` differs from ``since`` (True) or ``timeout`` seconds pass (False).

    Pass the signature taken *before* the last check ran, so a save made during the check is not
    missed. Returns once the file has stopped changing (editors write in several steps).
    """
    return bool(wait_for_changes([path], {path: since}, timeout, force_polling))


def wait_for_changes(
    paths: Sequence[Path],
    since: Mapping[Path, Signature],
    timeout: float | None = None,
    force_polling: bool | None = None,
) -> list[Path]:
    """Block until some of ``paths`` differ from their signatures in ``since``; return those
    (in the order given), or an empty list when ``timeout`` seconds pass first.

    As ``wait_for_change``, for several files at once (every exercise of a module, say).
    """
    if force_polling is None:
        force_polling = os.environ.get("DLPATH_WATCH_POLL") == "1"
    changed = None
    if not force_polling:
        # no inotify/FSEvents here (network drives, some containers): poll instead
        with contextlib.suppress(ImportError, OSError, RuntimeError):
            changed = _wait_with_events(paths, since, timeout)
    if changed is None:
        changed = _wait_by_polling(paths, since, timeout)
    for path in changed:
        _settle(path)
    return changed


def _changed(paths: Sequence[Path], since: Mapping[Path, Signature]) -> list[Path]:
    return [path for path in paths if signature(path) != since.get(path)]


def _settle(path: Path, quiet: float = 0.2, limit: float = 3.0) -> None:
    """Wait until the file has not changed for ``quiet`` seconds."""
    deadline = time.monotonic() + limit
    last = signature(path)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = signature(path)
        if now == last:
            return
        last = now


def _wait_with_events(
    paths: Sequence[Path], before: Mapping[Path, Signature], timeout: float | None
) -> list[Path]:
    from watchfiles import watch

    if changed := _changed(paths, before):
        return changed
    started = time.monotonic()
    stop_after = None if timeout is None else int(timeout * 1000)
    # Editors often replace a file instead of writing it in place: watch its folder.
    folders = sorted({str(path.parent) for path in paths})
    for _changes in watch(
        *folders,
        rust_timeout=min(stop_after or 1000, 1000),
        yield_on_timeout=True,
        raise_interrupt=True,
    ):
        # Compare contents' signature too: a save made while the watcher was starting has no event.
        if changed := _changed(paths, before):
            return changed
        if timeout is not None and time.monotonic() - started >= timeout:
            return []
    return []


def _wait_by_polling(
    paths: Sequence[Path], before: Mapping[Path, Signature], timeout: float | None
) -> list[Path]:
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        if changed := _changed(paths, before):
            return changed
        time.sleep(POLL_SECONDS)
    return []
