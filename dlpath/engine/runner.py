"""Run checks in a reusable child process, with a time limit, a memory limit and live events.

The dlpath process never imports the learner's code. ``CheckRunner`` keeps one child (so torch is
imported once per run of many checks), sends it one request per check, and reads its events. A
child that overruns its time, dies, or is cancelled is killed with its process group and replaced
on the next check.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dlpath.engine.child import OUTPUT_LIMIT, CappedText, end_of_check_marker
from dlpath.engine.verdict import Verdict

EventHandler = Callable[[dict[str, Any]], None]

GRACE_SECONDS = 3.0  # beyond a check's budget before the child is killed
START_TIMEOUT = 120.0  # importing torch on a cold, busy machine
RAW_OUTPUT_WAIT = 1.0  # for the child's raw output to catch up with its verdict
DEFAULT_MEMORY_LIMIT = 6 * 1024**3


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


class _RawCapture:
    """What one check wrote to the child's fd 1 and 2, up to the child's end-of-check marker."""

    def __init__(self, marker: bytes) -> None:
        self.marker = marker
        self.text = CappedText()
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.pending = b""  # the last bytes, which may be the start of a split marker
        self.complete = threading.Event()
        self.lock = threading.Lock()  # feed (the drain thread) against result (the caller)

    def feed(self, chunk: bytes) -> None:
        with self.lock:
            self._feed(chunk)

    def _feed(self, chunk: bytes) -> None:
        if self.complete.is_set():
            return
        data = self.pending + chunk
        found = data.find(self.marker)
        if found >= 0:
            self.text.write(self.decoder.decode(data[:found], final=True))
            self.pending = b""
            self.complete.set()
            return
        keep = min(len(data), len(self.marker) - 1)
        self.pending = data[len(data) - keep :]
        self.text.write(self.decoder.decode(data[: len(data) - keep]))

    def result(self) -> str:
        with self.lock:
            if not self.complete.is_set():
                self.text.write(self.decoder.decode(self.pending, final=True))
                self.pending = b""
            return self.text.text()


def merge_output(printed: str, raw: str, limit: int = OUTPUT_LIMIT) -> str:
    """The learner's prints followed by what reached fd 1 and 2 directly, cut to ``limit``."""
    if not raw.strip():
        return printed
    joined = printed + ("\n" if printed and not printed.endswith("\n") else "") + raw
    if len(joined) <= limit + 100:
        return joined
    capped = CappedText(limit)
    capped.write(joined)
    return capped.text()


class _Child:
    """One child process and the pipes to it."""

    def __init__(self, env: dict[str, str], cwd: Path | None) -> None:
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dlpath.engine.child", str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(write_fd)
        self.events = os.fdopen(read_fd, "rb", buffering=0)
        self.buffer = b""
        self.raw_output = bytearray()  # what reached the real stdout/stderr while starting
        self.capture: _RawCapture | None = None  # the running check's raw output
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()
        self.devices: dict[str, Any] = {}

    def _drain_output(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[attr-defined]
            if len(self.raw_output) < 4000:
                self.raw_output += chunk[: 4000 - len(self.raw_output)]
            capture = self.capture
            if capture is not None:
                capture.feed(chunk)

    def begin_capture(self, request_id: str) -> None:
        self.capture = _RawCapture(end_of_check_marker(request_id))

    def end_capture(self, wait: float) -> str:
        """The running check's raw output, once the marker has arrived (or ``wait`` has passed,
        or the process has gone and its output with it)."""
        capture = self.capture
        if capture is None:
            return ""
        if self.process.poll() is not None:
            self._drain.join(timeout=wait)  # the pipe ends with the process
        else:
            capture.complete.wait(wait)  # still attached: the drain thread feeds it meanwhile
        self.capture = None
        return capture.result()

    def send(self, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()

    def read_event(self, deadline: float) -> dict[str, Any] | None:
        """The next event, or None on timeout; raises EOFError when the child has gone."""
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            with selectors.DefaultSelector() as selector:
                selector.register(self.events, selectors.EVENT_READ)
                if not selector.select(min(remaining, 0.25)):
                    continue
            chunk = self.events.read(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def kill(self) -> int | None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.close_pipes()
        return code

    def close_pipes(self) -> None:
        for stream in (self.process.stdin, self.events):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def check_threads() -> str:
    """The CPU threads a check's child trains on.

    The checks train small models: one thread is faster than several that wait for each other,
    and far steadier on a busy machine. DLPATH_THREADS overrides it.
    """
    return os.environ.get("DLPATH_THREADS", "1")


class CheckRunner:
    """Runs checks one at a time in a child process; safe to ``cancel()`` from another thread."""

    def __init__(
        self,
        device: str = "auto",
        memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        cwd: Path | None = None,
    ) -> None:
        self.device_preference = device
        self.memory_limit = memory_limit
        self.cwd = cwd
        self._child: _Child | None = None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self.devices: dict[str, Any] = {}
        self.started_children = 0

    # -- the child -------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        env["OMP_NUM_THREADS"] = check_threads()
        if self.memory_limit:
            env["DLPATH_MEMORY_LIMIT"] = str(self.memory_limit)
        else:
            env.pop("DLPATH_MEMORY_LIMIT", None)
        return env

    def _ensure_child(self) -> _Child:
        if self._child is not None and self._child.process.poll() is None:
            return self._child
        if self._child is not None:
            self._child.kill()
        child = _Child(self._env(), self.cwd)
        self.started_children += 1
        with self._lock:
            self._child = child
        event = child.read_event(time.monotonic() + START_TIMEOUT)
        if not event or event.get("event") != "ready":
            output = child.raw_output.decode(errors="replace").strip().splitlines()
            child.kill()
            detail = output[-1] if output else "no answer"
            raise RuntimeError(f"the check process did not start: {detail}")
        child.devices = self.devices = event.get("devices", {})
        return child

    def start(self) -> None:
        """Start the child now (it imports torch) rather than at the first check."""
        self._ensure_child()

    def resolve_device(self) -> str:
        """``auto`` becomes CUDA, then MPS, then CPU, whichever the child's torch finds."""
        preference = self.device_preference
        if preference != "auto" and preference != "cuda" and preference != "mps":
            return preference
        if not self.devices:
            self._ensure_child()
        if preference == "auto":
            return (
                "cuda" if self.devices.get("cuda") else "mps" if self.devices.get("mps") else "cpu"
            )
        if not self.devices.get(preference):
            raise ValueError(f"device {preference!r} is not available here")
        return preference

    # -- one check -------------------------------------------------------------------------

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
        """Run one check; always returns a verdict within ``timeout`` plus a few seconds."""
        self._cancelled.clear()
        on_event = on_event or (lambda event: None)
        try:
            child = self._ensure_child()
            device = self.resolve_device()
        except EOFError:
            return self._failed(
                exercise, "the check process died while starting", 0.0, layer="internal"
            )
        except (RuntimeError, ValueError) as exc:
            return self._failed(exercise, str(exc), 0.0, layer="internal")
        request_id = f"{exercise}@{time.time()}"
        request = {
            "id": request_id,
            "exercise": exercise,
            "check": str(check_file),
            "learner": str(learner_file),
            "checks_dir": str(checks_dir),
            "seed": seed,
            "device": device,
        }
        started = time.monotonic()
        deadline = started + timeout + GRACE_SECONDS
        try:
            child.begin_capture(request_id)
            child.send(request)
            while True:
                event = child.read_event(deadline)
                if event is None:
                    self._discard_child()
                    verdict = self._failed(
                        exercise,
                        f"your code took longer than the {timeout:g} s time limit: "
                        "an endless loop, or far more work than the exercise needs?",
                        time.monotonic() - started,
                        device=device,
                    )
                    verdict.output = child.end_capture(wait=0.5)
                    return verdict
                if event.get("id") != request_id:
                    continue
                if event.get("event") == "verdict":
                    verdict = Verdict.from_dict(event["verdict"])
                    verdict.output = merge_output(
                        verdict.output, child.end_capture(wait=RAW_OUTPUT_WAIT)
                    )
                    if event.get("retire"):  # its state could not be put back: start afresh
                        self._discard_child()
                    on_event({**event, "verdict": verdict.to_dict()})
                    return verdict
                on_event(event)
        except (EOFError, BrokenPipeError, OSError, ValueError):
            return self._child_died(exercise, time.monotonic() - started, device)

    def _child_died(self, exercise: str, elapsed: float, device: str) -> Verdict:
        child = self._child
        code = child.kill() if child else None
        output = child.end_capture(wait=0.5) if child else ""
        self._child = None
        if self._cancelled.is_set():
            return self._failed(exercise, "cancelled", elapsed, layer="cancelled", device=device)
        if code is not None and code < 0:
            name = _signal_name(code)
            hint = (
                " (a crash in native code: an out-of-range index in a C extension?)"
                if name == "SIGSEGV"
                else ""
            )
            why = f"the process running your code was killed by {name}{hint}"
        elif code == 0:
            why = "your code ended the process early (os._exit(0)?); return a value instead"
        else:
            why = (
                f"your code ended the process with exit status {code} (os._exit?); "
                "return a value instead"
            )
        verdict = self._failed(exercise, why, elapsed, device=device)
        verdict.output = output
        return verdict

    def _failed(
        self,
        exercise: str,
        message: str,
        elapsed: float,
        layer: str = "limits",
        device: str = "cpu",
    ) -> Verdict:
        return Verdict(
            exercise=exercise,
            passed=False,
            layer=layer,
            message=message,
            duration=round(elapsed, 3),
            device=device,
        )

    def _discard_child(self) -> None:
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.kill()

    def cancel(self) -> None:
        """Stop the running check at once (from any thread); its run() returns 'cancelled'."""
        self._cancelled.set()
        with self._lock:
            child = self._child
        if child is not None and child.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)

    def close(self) -> None:
        self._discard_child()

    def __enter__(self) -> CheckRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
