"""The check process: imports torch once, then runs one check per request until stdin closes.

Run as ``python -m dlpath.engine.child EVENTS_FD``. Requests arrive as JSON lines on stdin; events
(ready, progress, log, verdict) leave as JSON lines on the file descriptor EVENTS_FD, so nothing the
learner prints can corrupt them. The learner's prints are captured per check and cut to a limit.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

OUTPUT_LIMIT = 8_000  # characters of learner output kept per check (head and tail)
ORPHAN_POLL_SECONDS = 0.5


def end_of_check_marker(request_id: str) -> bytes:
    """Written to fd 1 after each check, so the parent knows it has all that check's raw output
    (what the learner wrote with ``os.write(1, ...)`` or from C code) before the verdict counts."""
    return f"\x1edlpath-end-of-check {request_id}\x1e".encode()


class CappedText(io.TextIOBase):
    """A text sink that keeps the first and last few thousand characters and counts the rest."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.limit = limit
        self.head: list[str] = []
        self.head_size = 0
        self.tail = ""
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        size = len(text)
        room = self.limit // 2 - self.head_size
        if room > 0:
            self.head.append(text[:room])
            self.head_size += min(room, len(text))
            text = text[room:]
        if text:
            joined = self.tail + text
            keep = self.limit // 2
            self.dropped += max(0, len(joined) - keep)
            self.tail = joined[-keep:]
        return size

    def text(self) -> str:
        middle = f"\n... [{self.dropped} characters cut] ...\n" if self.dropped else ""
        return "".join(self.head) + middle + self.tail


def _set_memory_limit(limit_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return
    for name in ("RLIMIT_DATA", "RLIMIT_AS"):
        which = getattr(resource, name, None)
        if which is None:
            continue
        _, hard = resource.getrlimit(which)
        if hard == resource.RLIM_INFINITY or hard > limit_bytes:
            resource.setrlimit(which, (limit_bytes, hard))
        return


def _devices() -> dict[str, Any]:
    import torch

    info: dict[str, Any] = {
        "cpu": True,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }
    info["cuda"] = bool(torch.cuda.is_available())
    if info["cuda"]:
        info["cuda_name"] = torch.cuda.get_device_name(0)
        info["cuda_memory"] = torch.cuda.get_device_properties(0).total_memory
    mps = getattr(torch.backends, "mps", None)
    info["mps"] = bool(mps is not None and mps.is_available())
    return info


def _exit_when_orphaned(poll: float = ORPHAN_POLL_SECONDS) -> None:
    """End this process once the dlpath process that started it is gone.

    The child runs in its own session, so a terminal's hang-up or a kill of dlpath does not reach
    it; without this, an endless loop in the learner's code would run on forever. A thread polls
    the parent's pid (it changes to a reaper's when the parent dies); it works wherever Python
    does. (PR_SET_PDEATHSIG is not used: it fires when the *thread* that started the child ends,
    and the tutor starts the child from a worker thread that ends long before the child should.)
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent:
                os._exit(70)

    threading.Thread(target=watch, name="dlpath-orphan-watch", daemon=True).start()


def main(events_fd: int) -> None:
    _exit_when_orphaned()
    events: TextIO = os.fdopen(events_fd, "w", buffering=1, encoding="utf-8")
    # The protocol keeps the real stdin; the learner's code sees an empty one.
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process

    def send(event: dict[str, Any]) -> None:
        events.write(json.dumps(event, default=str) + "\n")
        events.flush()

    memory_limit = int(os.environ.get("DLPATH_MEMORY_LIMIT", "0"))
    import numpy  # noqa: F401 - imported once here so every check starts warm

    from dlpath.engine.execute import execute_check

    send({"event": "ready", "pid": os.getpid(), "devices": _devices()})
    # The pipes to the parent, put back after each check in case the learner's code redirected them.
    real_fds = {fd: os.dup(fd) for fd in (1, 2)}
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        rid = request["id"]
        if memory_limit > 0 and request.get("device") != "cuda":
            _set_memory_limit(memory_limit)  # CUDA maps far more address space than it uses

        def emit(event: dict[str, Any], rid: Any = rid) -> None:
            send({**event, "id": rid})

        captured = CappedText()
        problems: list[str] = []
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = captured
        try:
            verdict = execute_check(
                request["exercise"],
                Path(request["check"]),
                Path(request["learner"]),
                Path(request["checks_dir"]),
                seed=int(request.get("seed", 0)),
                device=request.get("device", "cpu"),
                emit=emit,
                problems=problems,
            )
        finally:
            sys.stdout, sys.stderr = saved
        verdict.output = captured.text()
        try:
            for fd, real in real_fds.items():
                os.dup2(real, fd)
            os.write(1, end_of_check_marker(str(rid)))
        except OSError as exc:  # the parent stops waiting for the marker after a second
            problems.append(f"could not put back fd 1 and 2: {exc}")
        # A process whose state could not be put back serves no more checks.
        send({"event": "verdict", "id": rid, "verdict": verdict.to_dict(), "retire": problems})


if __name__ == "__main__":
    main(int(sys.argv[1]))
