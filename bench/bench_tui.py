"""Responsiveness of the tutor (`dlpath start`): time to first screen, key latency while training.

1. First screen: `python -m dlpath start` in a pseudo-terminal (120 x 40) with the fixture pack
   and a workspace, from exec until the home screen has been written; median of --runs runs.
   Goal: under 1 s. A headless probe also checks that drawing it imported no torch.
2. Key latency while a check trains: the tutor in-process (Textual's headless driver) runs an
   exercise's check through the real engine (a child process training an MLP with torch for
   --train seconds); a tab key is pressed every 100 ms and timed until the screen changed.
   The same with a fake engine that floods the UI with ~1000 progress events a second. Goal:
   every key answered within 100 ms. Then the cancel key, timed until the run has stopped.
3. --screenshot PATH saves an SVG of the home screen (the bundled curriculum when it loads).

Run: `.venv/bin/python bench/bench_tui.py [--runs 5] [--train 8] [--screenshot docs/tui-home.svg]`;
`--runs 0 --train 0 --screenshot docs/tui-home.svg` only saves the picture.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "tests" / "fixtures" / "pack" / "curriculum"
HOME_MARKER = b"Continue"
KEY_TIMEOUT = 5.0  # seconds: a key not answered by then is reported as a hang, not waited on

# -- 1. first screen ---------------------------------------------------------------------------


def first_screen_seconds(env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from exec of `python -m dlpath start` until the home screen is on the terminal."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: become dlpath
        os.execve(sys.executable, [sys.executable, "-m", "dlpath", "start"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    elapsed = float("nan")
    deadline = started + timeout
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.01)
            if ready:
                seen += os.read(fd, 1 << 16)
                if HOME_MARKER in seen:
                    elapsed = time.perf_counter() - started
                    break
        os.write(fd, b"q")
        _drain_until_exit(pid, fd)
    finally:
        os.close(fd)
    return elapsed


def _drain_until_exit(pid: int, fd: int, timeout: float = 15.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                if not os.read(fd, 1 << 16):
                    break
            except OSError:
                break
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
    os.kill(pid, 9)
    os.waitpid(pid, 0)


HEADLESS_PROBE = """
import asyncio, json, sys
from dlpath.tui.app import create_app
from dlpath.tui.screens.home import HomeScreen

async def main():
    app = create_app()
    async with app.run_test(size=(120, 40)) as pilot:
        while not any(isinstance(s, HomeScreen) and s.is_mounted for s in app.screen_stack):
            await asyncio.sleep(0.005)
        await pilot.pause()
        print(json.dumps(sorted(m for m in ("torch", "numpy", "sklearn") if m in sys.modules)))
    app.session.close()

asyncio.run(main())
"""


def heavy_modules_on_first_screen(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", HEADLESS_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- 2. key latency while a check trains -------------------------------------------------------

TRAIN_CHECK = '''
"""Trains the learner's MLP on random data for a fixed time, streaming progress (bench only)."""

import time


def run(ctx):
    import torch

    ctx.layer("training")
    torch.manual_seed(ctx.seed)
    x, y = torch.randn(512, 32), torch.randn(512, 1)
    model = ctx.learner.build_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    seconds = {seconds}
    started = time.monotonic()
    step, total = 0, 100_000
    while time.monotonic() - started < seconds:
        step += 1
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        ctx.progress(step, total, loss=loss.item())
    ctx.metric("steps", step)
'''

MODEL = (
    "import torch\n\n\ndef build_model():\n"
    "    return torch.nn.Sequential(torch.nn.Linear(32, 256), torch.nn.ReLU(),\n"
    "                               torch.nn.Linear(256, 1))\n"
)


def make_training_pack(root: Path, seconds: float) -> Path:
    """A one-exercise curriculum whose check trains for ``seconds`` (with its own checks/)."""
    curriculum = root / "curriculum"
    module = curriculum / "bench"
    for folder in (
        module / "lessons",
        module / "stubs",
        module / "solutions",
        root / "checks" / "bench",
    ):
        folder.mkdir(parents=True, exist_ok=True)
    (curriculum / "path.yaml").write_text(
        textwrap.dedent("""\
        title: Bench path
        modules: [bench]
        tracks:
          - {id: all, title: All, summary: Everything., modules: [bench]}
        """)
    )
    (module / "module.yaml").write_text(
        textwrap.dedent(f"""\
        id: bench
        title: Bench
        summary: A check that trains for {seconds:g} seconds.
        hours: 1
        prerequisites: []
        lessons:
          - {{id: intro, title: Intro, file: lessons/intro.md}}
        quiz: []
        exercises:
          - id: train
            title: Train an MLP
            task: Write `build_model()`.
            stub: stubs/train.py
            solution: solutions/train.py
            check: bench/train
            hints: [A small MLP.]
            time_budget: {seconds + 120:g}
        """)
    )
    (module / "lessons" / "intro.md").write_text("# Intro\n\nWords.\n")
    (module / "stubs" / "train.py").write_text(MODEL)
    (module / "solutions" / "train.py").write_text(MODEL)
    (root / "checks" / "bench" / "train.py").write_text(TRAIN_CHECK.format(seconds=seconds))
    return curriculum


class FloodEngine:
    """A fake engine that streams ~1000 progress events a second until cancelled."""

    def __init__(self) -> None:
        self.device_preference = "auto"
        self.devices: dict[str, Any] = {}
        self._stop = threading.Event()

    def start(self) -> None:
        self.devices = {"cpu": True, "cuda": False, "mps": False, "threads": 1}

    def resolve_device(self) -> str:
        self.start()
        return "cpu"

    def run(self, exercise, check_file, learner_file, checks_dir, timeout, seed=0, on_event=None):
        from dlpath.engine.verdict import Verdict

        self._stop.clear()
        step = 0
        while not self._stop.wait(0.001):
            step += 1
            on_event({"event": "progress", "step": step, "total": 10**6, "loss": 1 / step})
        return Verdict(exercise, False, "cancelled", "cancelled")

    def cancel(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self._stop.set()


async def _key_latencies(app, seconds: float) -> tuple[list[float], float]:
    """Open the exercise, run its check, time tab keys while it trains, then time the cancel."""
    from dlpath.tui.places import EXERCISE, Place
    from dlpath.tui.screens.exercise import ExerciseScreen
    from dlpath.tui.widgets.loss_plot import LossPlot

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        module = app.session.curriculum.modules[0]
        app.open_place(Place(EXERCISE, module.id, module.exercises[0].id))
        deadline = time.perf_counter() + 30
        while not (isinstance(app.screen, ExerciseScreen) and app.screen.is_mounted):
            if time.perf_counter() > deadline:
                raise SystemExit("the exercise screen did not open within 30 s")
            await asyncio.sleep(0.01)
        screen = app.screen
        await pilot.press("r")
        plot = screen.query_one(LossPlot)
        deadline = time.perf_counter() + 180
        while len(plot.points) < 5:  # the child has started and the model trains
            if time.perf_counter() > deadline or not screen.running:
                raise SystemExit(f"the check did not start training: {screen.last_verdict}")
            await asyncio.sleep(0.05)
        tabs = screen.query_one("#exercise-tabs")
        latencies = []
        until = time.perf_counter() + seconds
        keys = {"task": "f", "file": "t"}
        while time.perf_counter() < until and screen.running:
            want = "file" if tabs.active == "task" else "task"
            pressed = time.perf_counter()
            app.simulate_key(keys[tabs.active])
            while tabs.active != want and time.perf_counter() - pressed < KEY_TIMEOUT:
                await asyncio.sleep(0.0005)
            latencies.append(time.perf_counter() - pressed)
            if tabs.active != want:
                print(f"    a key was not answered within {KEY_TIMEOUT:g} s: stopped pressing")
                break
            await asyncio.sleep(0.1)
        points = len(plot.points)
        pressed = time.perf_counter()
        app.simulate_key("c")
        while screen.running and time.perf_counter() - pressed < KEY_TIMEOUT:
            await asyncio.sleep(0.001)
        cancelled = time.perf_counter() - pressed
        if screen.running:
            print(f"    the run had not stopped {KEY_TIMEOUT:g} s after the cancel key")
        print(f"    plotted {points} loss points while keys were pressed")
    app.session.close()
    return latencies, cancelled


def report(name: str, latencies: list[float], cancelled: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(
        f"  {name:34} {len(ms):4d} keys  p50 {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms"
        f"  max {ms[-1]:6.1f} ms  cancel {cancelled * 1000:6.1f} ms"
        f"  -> {'met' if ms[-1] < 100 else 'NOT met'} (< 100 ms)"
    )


# -- 3. screenshot -----------------------------------------------------------------------------


async def _screenshot(app, path: Path) -> None:
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause(0.5)
        app.save_screenshot(path.name, path=str(path.parent))
    app.session.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="first-screen runs (0: skip)")
    parser.add_argument(
        "--train", type=float, default=8.0, help="seconds of timed keys per engine (0: skip)"
    )
    parser.add_argument("--screenshot", type=Path, help="save an SVG of the home screen here")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="dlpath-bench-tui-"))
    try:
        run_benchmarks(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_benchmarks(args: argparse.Namespace, scratch: Path) -> None:
    """Everything the command line asked for, with all that it writes under ``scratch``."""
    from dlpath.curriculum.loader import load_curriculum
    from dlpath.workspace import Workspace

    os.environ["DLPATH_HOME"] = str(scratch / "home")
    pack = load_curriculum(PACK)
    workspace, _ = Workspace.create(scratch / "ws", pack)
    env = {
        **os.environ,
        "DLPATH_CURRICULUM": str(PACK),
        "DLPATH_WORKSPACE": str(workspace.root),
        "TERM": "xterm-256color",
    }
    env.pop("COLUMNS", None)
    env.pop("LINES", None)

    if args.runs > 0:
        print("First screen of `dlpath start` (pty 120x40, fixture pack):")
        first_screen_seconds(env)  # warm the file cache
        times = [first_screen_seconds(env) for _ in range(args.runs)]
        median = statistics.median(times)
        print(
            f"  median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s over "
            f"{args.runs} runs -> {'met' if median < 1.0 else 'NOT met'} (< 1 s)"
        )
        heavy = heavy_modules_on_first_screen(env)
        print(f"  heavy modules imported to draw it: {heavy or 'none'}")

    from dlpath.tui.app import create_app

    if args.train > 0:
        print("Key latency while a check trains (a tab key every 100 ms):")
        bench_pack = load_curriculum(make_training_pack(scratch / "pack", args.train + 30))
        bench_ws, _ = Workspace.create(scratch / "bench-ws", bench_pack)
        real = create_app(curriculum=bench_pack, workspace=bench_ws.root)
        latencies, cancelled = asyncio.run(_key_latencies(real, args.train))
        report("real engine (torch MLP in the child)", latencies, cancelled)
        flood = create_app(curriculum=pack, workspace=workspace.root, engine=FloodEngine())
        latencies, cancelled = asyncio.run(_key_latencies(flood, args.train))
        report("fake engine, ~1000 events/s", latencies, cancelled)

    if args.screenshot:
        try:
            curriculum = load_curriculum()
        except Exception as error:  # noqa: BLE001 - the bundled curriculum is optional here
            print(f"  (bundled curriculum did not load: {error}; using the fixture pack)")
            curriculum = pack
        shot_ws, _ = Workspace.create(scratch / "shot-ws", curriculum)
        app = create_app(curriculum=curriculum, workspace=shot_ws.root)
        first = curriculum.modules[0]
        if first.lessons:  # a learner a little way in, so the states show
            app.session.store.mark_lesson_read(first.id, first.lessons[0].id)
        asyncio.run(_screenshot(app, args.screenshot.resolve()))
        print(f"Saved the home screen to {args.screenshot}")


if __name__ == "__main__":
    main()
