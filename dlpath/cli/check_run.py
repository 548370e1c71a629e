"""What `dlpath check` does: choose the exercises, run their checks in one child process,
record the results, watch files when asked, and stop cleanly on Ctrl-C, SIGTERM or SIGHUP."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from dlpath.cli import context
from dlpath.cli.check_report import LiveProgress, print_report, print_verdict
from dlpath.errors import UnknownItemError
from dlpath.stop_signals import on_stop_signals

if TYPE_CHECKING:
    from dlpath.curriculum.model import Curriculum, Exercise
    from dlpath.engine.runner import CheckRunner
    from dlpath.engine.verdict import Verdict
    from dlpath.progress.store import ProgressStore
    from dlpath.workspace import Workspace


def run_checks(
    target: str | None,
    run_all: bool,
    watch: bool,
    device: str | None,
    timeout: float | None,
    seed: int,
    as_json: bool,
) -> None:
    """The whole of `dlpath check`; raises typer.Exit with the exit status when it is not 0."""
    from dlpath.engine.devices import choose_device
    from dlpath.engine.runner import CheckRunner

    curriculum = context.curriculum()
    with context.store() as store:
        workspace = context.workspace(store)
        chosen = _select(curriculum, workspace, target, run_all, watch)
        runner = CheckRunner(device="auto", cwd=workspace.root)
        run = _Run(curriculum, workspace, store, runner, timeout, seed, as_json)
        received: list[int] = []
        try:
            with _stop_on_signals(received):
                if chosen:
                    choose_device(runner, device, store.setting("device"), context.warn)
                if watch:
                    _watch(run, chosen)
                verdicts = [run.one(exercise) for exercise in chosen]
        except KeyboardInterrupt:  # Ctrl-C, or a stop signal turned into one
            runner.cancel()  # the child dies now; `finally` closes the runner
            _say_stopped(received, run.running, watch)
            raise typer.Exit(128 + (received[0] if received else signal.SIGINT)) from None
        finally:
            runner.close()
        print_report(curriculum, store, workspace, verdicts, as_json, nothing_started=not chosen)
    if any(not v.passed for v in verdicts):
        raise typer.Exit(1)


# -- stopping ---------------------------------------------------------------------------------


class _Stopped(KeyboardInterrupt):
    """Raised in the main thread when SIGTERM or SIGHUP arrives, so that it stops as on Ctrl-C:
    the child is killed at once and nothing half-done is recorded."""


@contextlib.contextmanager
def _stop_on_signals(received: list[int]) -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``_Stopped`` while the body runs; ``received`` gets the
    signal's number (also when a library swallowed the exception and raised its own
    KeyboardInterrupt, as the file watcher does)."""

    def stop(signum: int) -> None:
        if received:  # a second signal must not interrupt the cleanup of the first
            return
        received.append(signum)
        raise _Stopped(signal.Signals(signum).name)

    with on_stop_signals(stop):
        yield


def _say_stopped(received: list[int], running: bool, watching: bool) -> None:
    why = signal.Signals(received[0]).name if received else "interrupted"
    if running:
        message = f"dlpath: {why}; the running check was stopped"
    elif watching:
        message = f"dlpath: {why}; stopped watching"
    else:
        message = f"dlpath: {why}"
    with contextlib.suppress(OSError):  # after a hang-up the terminal may be gone
        print(message, file=sys.stderr)


# -- running checks ---------------------------------------------------------------------------


def _select(
    curriculum: Curriculum, workspace: Workspace, target: str | None, run_all: bool, watch: bool
) -> list[Exercise]:
    if target:
        found = curriculum.find_exercise(target)
        if found is not None:
            return [found]
        if target in {m.id for m in curriculum.modules}:
            return list(curriculum.module(target).exercises)
        raise UnknownItemError(f"no exercise or module `{target}` (see `dlpath list`)")
    if run_all:
        return curriculum.exercises()
    started = workspace.started(curriculum)
    if watch:
        if not started:
            raise UnknownItemError(
                "nothing to watch yet: name an exercise, e.g. `dlpath check softmax --watch`"
            )
        return [max(started, key=lambda ex: workspace.file_for(ex).stat().st_mtime)]
    return started


@dataclass
class _Run:
    """What every check of one `dlpath check` shares, and whether one is running right now."""

    curriculum: Curriculum
    workspace: Workspace
    store: ProgressStore
    runner: CheckRunner
    timeout: float | None
    seed: int
    as_json: bool
    running: bool = False

    def one(self, exercise: Exercise) -> Verdict:
        """Run one exercise's check, record it if it is a result, print it; return it."""
        from dlpath.engine.requirements import precheck
        from dlpath.progress.store import CheckRun
        from dlpath.workspace import file_hash

        learner_file = self.workspace.file_for(exercise)
        digest = ""
        verdict = precheck(exercise, learner_file)
        if verdict is None:
            digest = file_hash(learner_file)  # the content this check sees
            self.running = True  # stays True if a stop interrupts the check
            with LiveProgress(exercise, quiet=self.as_json) as live:
                verdict = self.runner.run(
                    exercise.key,
                    self.curriculum.check_path(exercise),
                    learner_file,
                    self.curriculum.checks_directory,
                    self.timeout or exercise.time_budget,
                    self.seed,
                    on_event=live.update,
                )
            self.running = False
        if verdict.recordable:
            self.store.record_run(CheckRun.from_verdict(exercise.key, verdict, digest, self.seed))
        if not self.as_json:
            print_verdict(exercise, verdict, self.store, learner_file)
        return verdict


# -- watching ---------------------------------------------------------------------------------


def _watch(run: _Run, exercises: list[Exercise]) -> None:
    """Run the checks, then each one again whenever its file is saved, until Ctrl-C."""
    import json

    from rich.markup import escape

    from dlpath.engine.watch import signature, wait_for_changes

    files = {exercise.key: run.workspace.file_for(exercise) for exercise in exercises}
    paths = list(dict.fromkeys(files.values()))
    # Messages go to stderr under --json, so that stdout holds one verdict per line.
    out = context.console(stderr=run.as_json)
    if len(paths) == 1:
        watching = f"Watching {escape(str(paths[0]))} (Ctrl-C to stop)..."
    else:
        folders = sorted({str(path.parent) for path in paths})
        where = folders[0] if len(folders) == 1 else f"{len(folders)} folders"
        watching = f"Watching {len(paths)} files in {escape(where)} (Ctrl-C to stop)..."
    checked = {path: signature(path) for path in paths}  # taken before the checks run
    due = list(exercises)
    while True:
        for exercise in due:
            verdict = run.one(exercise)
            if run.as_json:
                print(json.dumps(verdict.to_dict()), flush=True)
        out.print(f"[dim]{watching}[/]", highlight=False)
        changed = wait_for_changes(paths, since=checked)
        checked.update({path: signature(path) for path in changed})
        due = [exercise for exercise in exercises if files[exercise.key] in changed]
