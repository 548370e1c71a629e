"""`dlpath check` end to end: verdicts, the record in the store, exit codes, Ctrl-C, watch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests_support import write

from dlpath.progress.store import open_store

pytestmark = [pytest.mark.usefixtures("pack"), pytest.mark.xdist_group("engine")]


@pytest.fixture
def workspace(cli, tmp_path) -> Path:
    root = tmp_path / "ws"
    assert cli("init", str(root)).code == 0
    return root


def _solve(workspace: Path, name: str = "add.py") -> None:
    solutions = Path(os.environ["DLPATH_CURRICULUM"]) / "basics" / "solutions"
    write(workspace / "exercises/basics" / name, (solutions / name).read_text())


def test_nothing_started_reports_and_passes(cli, workspace):
    result = cli("check")
    assert result.code == 0
    assert "No exercise started yet" in result.out and "Next:" in result.out


def test_a_wrong_answer_fails_with_the_named_bug_and_a_hint(cli, workspace, isolated_home):
    write(workspace / "exercises/basics/add.py", "def add(a, b):\n    return a * b\n")
    result = cli("check")
    assert result.code == 1
    assert (
        "FAIL add" in result.out and "[values] add(2, 3) multiplied instead of adding" in result.out
    )
    assert "Run `dlpath hint add` for a hint (1 of 2)" in result.out
    with open_store(isolated_home / "progress.db") as store:
        (run,) = store.runs()
    assert run.exercise == "basics/add" and not run.passed and run.layer == "values"
    assert len(run.file_hash) == 64


def test_pass_json_and_module_target(cli, workspace):
    for name in ("add.py", "fit_line.py"):
        _solve(workspace, name)
    result = cli("check", "basics", "--json")
    assert result.code == 0, result.out + result.err
    data = json.loads(result.out)
    assert [v["exercise"] for v in data["verdicts"]] == ["basics/add", "basics/fit_line"]
    assert all(v["passed"] for v in data["verdicts"])
    assert data["verdicts"][1]["metrics"]["final_loss"] < 1e-3
    assert data["modules"][0] == {
        "id": "basics",
        "passed": 2,
        "started": 0,
        "not_started": 0,
        "quiz_correct": 0,
        "quiz_questions": 3,
    }
    text = cli("check", "add").out
    assert "PASS add" in text and "Compare with the reference solution" in text


def test_stub_fails_cleanly_under_all(cli, workspace):
    result = cli("check", "--all", "--json")
    assert result.code == 1
    verdicts = json.loads(result.out)["verdicts"]
    assert len(verdicts) == 3
    assert all("not written yet" in v["message"] for v in verdicts)


def _spawn(args: list[str], env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, **env_extra, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "dlpath", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _child_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _start_endless_check(workspace: Path) -> tuple[subprocess.Popen, list[int]]:
    """`dlpath check add` on an endless loop, once the loop is running."""
    started = workspace / "loop-started"
    write(
        workspace / "exercises/basics/add.py",
        f"def add(a, b):\n    open({str(started)!r}, 'w').close()\n    while True:\n"
        "        pass\n",
    )
    process = _spawn(["--workspace", str(workspace), "check", "add"], {})
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not started.exists():
        time.sleep(0.1)
    assert started.exists(), "the check never started"
    children = _child_pids(process.pid)
    assert children, "no check process found under dlpath check"
    return process, children


def _alive(pids: list[int]) -> list[int]:
    return [
        pid
        for pid in pids
        if Path(f"/proc/{pid}").exists()
        and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    ]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the child")
def test_ctrl_c_exits_130_and_kills_the_child_at_once(cli, workspace, isolated_home):
    process, children = _start_endless_check(workspace)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 130, output
    time.sleep(0.2)
    assert not _alive(children)
    with open_store(isolated_home / "progress.db") as store:
        assert store.runs() == []  # nothing recorded for a run that never finished


@pytest.mark.parametrize("poll", ["0", "1"], ids=["events", "polling"])
def test_watch_reruns_on_save(cli, workspace, poll):
    learner = workspace / "exercises/basics/add.py"
    write(learner, "def add(a, b):\n    return a * b\n")
    process = _spawn(
        ["--workspace", str(workspace), "check", "add", "--watch"], {"DLPATH_WATCH_POLL": poll}
    )
    seen: list[str] = []
    assert _read_until(process, "Watching", seen, timeout=60)
    time.sleep(0.5)
    write(learner, "def add(a, b):\n    return a + b\n")
    assert _read_until(process, "PASS add", seen, timeout=30), "".join(seen)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 130
    assert any("FAIL add" in line for line in seen)


def _read_until(process: subprocess.Popen, needle: str, seen: list[str], timeout: float) -> bool:
    """Read the process's output line by line (in a thread) until a line holds ``needle``."""
    import queue
    import threading

    lines = getattr(process, "_lines", None)
    if lines is None:
        lines = process._lines = queue.Queue()  # type: ignore[attr-defined]
        assert process.stdout is not None
        threading.Thread(
            target=lambda: [lines.put(line) for line in process.stdout], daemon=True
        ).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return True
    return False


# -- stopping on signals ------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the child")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_stop_like_ctrl_c(cli, workspace, isolated_home, signum):
    process, children = _start_endless_check(workspace)
    process.send_signal(signum)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 128 + signum, output
    assert f"{signal.Signals(signum).name}; the running check was stopped" in output
    time.sleep(0.2)
    assert not _alive(children)
    with open_store(isolated_home / "progress.db") as store:
        assert store.runs() == []  # nothing recorded for a run that never finished


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the child")
def test_the_child_ends_when_dlpath_itself_is_killed(cli, workspace):
    """SIGKILL leaves dlpath no chance to clean up: the child (in its own session) notices."""
    process, children = _start_endless_check(workspace)
    process.kill()
    process.communicate(timeout=10)
    deadline = time.monotonic() + 5
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(children), "the orphaned check process is still running"


# -- devices ------------------------------------------------------------------------------------


@pytest.fixture
def devices(monkeypatch):
    """Make the check process report these devices (updated in place by the test)."""
    from dlpath.engine import runner

    found = {"cpu": True, "cuda": False, "mps": False}
    original = runner._Child.read_event

    def read_event(self, deadline):
        event = original(self, deadline)
        if event and event.get("event") == "ready":
            event["devices"] = {**event["devices"], **found}
        return event

    monkeypatch.setattr(runner._Child, "read_event", read_event)
    return found


def test_an_unavailable_device_flag_is_one_error_line_and_records_nothing(
    cli, workspace, isolated_home, devices
):
    _solve(workspace)
    assert cli("check", "add").code == 0
    for wanted in ("cuda", "mps"):
        result = cli("check", "add", "--device", wanted)
        assert result.code == 1
        assert result.err.strip().splitlines() == [
            f"dlpath: error: --device {wanted}: not available here (this machine has: cpu); "
            "see `dlpath doctor`"
        ]
        assert "FAIL" not in result.out and "hint" not in result.out
    with open_store(isolated_home / "progress.db") as store:
        assert [run.passed for run in store.runs()] == [True]  # the earlier PASS stands


def test_a_saved_device_that_is_not_here_warns_and_falls_back_to_auto(
    cli, workspace, isolated_home, devices
):
    _solve(workspace)
    with open_store(isolated_home / "progress.db") as store:
        store.set_setting("device", "mps")
    result = cli("check", "add", "--json")
    assert result.code == 0, result.out + result.err
    assert "saved device `mps` is not available here; using cpu" in result.err
    assert json.loads(result.out)["verdicts"][0]["device"] == "cpu"
    with open_store(isolated_home / "progress.db") as store:  # a preference this machine has
        store.set_setting("device", "cpu")
    result = cli("check", "add", "--json")
    assert result.code == 0 and result.err == ""


def test_explicit_cpu_starts_no_process_to_look_for_devices(cli, workspace, monkeypatch):
    from dlpath.engine.runner import CheckRunner

    def must_not_probe(self):
        raise AssertionError("resolving cpu needs no check process")

    monkeypatch.setattr(CheckRunner, "_ensure_child", must_not_probe)
    monkeypatch.setattr(
        CheckRunner, "run", lambda self, exercise, *a, **k: _verdict(exercise, True)
    )
    _solve(workspace)
    assert cli("check", "add", "--device", "cpu").code == 0


def _verdict(exercise: str, passed: bool, layer: str | None = None, message: str = ""):
    from dlpath.engine.verdict import Verdict

    return Verdict(exercise, passed, layer, message)


def test_an_internal_failure_is_not_recorded_and_points_to_no_hint(
    cli, workspace, isolated_home, monkeypatch
):
    from dlpath.engine.runner import CheckRunner

    _solve(workspace)
    monkeypatch.setattr(CheckRunner, "resolve_device", lambda self: "cpu")
    monkeypatch.setattr(
        CheckRunner, "run", lambda self, exercise, *a, **k: _verdict(exercise, True)
    )
    assert cli("check", "add").code == 0
    broken = "the check itself failed (KeyError: 'x'); this is a bug in dlpath, not in your code"
    monkeypatch.setattr(
        CheckRunner,
        "run",
        lambda self, exercise, *a, **k: _verdict(exercise, False, "internal", broken),
    )
    result = cli("check", "add")
    assert result.code == 1
    assert "[internal]" in result.out and "bug in dlpath" in result.out
    assert "dlpath hint" not in result.out
    with open_store(isolated_home / "progress.db") as store:
        assert [run.passed for run in store.runs()] == [True]
    summary = json.loads(cli("check", "add", "--json").out)
    assert summary["modules"][0]["passed"] == 1  # the summary still counts the earlier PASS


# -- the progress store is the learner's record, whatever their file does ------------------


def _tables(db: Path) -> dict[str, list[tuple]]:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: sorted(connection.execute(f"SELECT * FROM {name}"), key=repr)  # noqa: S608
            for name in names
        }
    finally:
        connection.close()


HOSTILE = {
    "raises": "def add(a, b):\n    raise RuntimeError('boom')\n",
    "os_exit": "import os\n\ndef add(a, b):\n    os._exit(0)\n",
    "sys_exit_at_import": "import sys\nsys.exit(2)\n",
    "changes_state": (
        "import os, sys\nos.chdir('/')\nsys.path.clear()\n"
        "os.environ['DLPATH_HOME'] = '/nonexistent'\n\ndef add(a, b):\n    return a - b\n"
    ),
}


def test_a_hostile_file_only_adds_its_run_record(cli, workspace, isolated_home):
    with open_store(isolated_home / "progress.db") as store:
        store.set_setting("track", "ml-engineer")
        store.set_setting("weekly_hours", "5")
        store.mark_lesson_read("basics", "adding")
        store.record_answer("basics", "two-plus-two", "b", True)
        store.reveal_hint("basics/add", 2)
        store.add_time("basics", 30)
    _solve(workspace)
    assert cli("check", "add").code == 0
    db = isolated_home / "progress.db"
    for name, source in HOSTILE.items():
        before = _tables(db)
        write(workspace / "exercises/basics/add.py", source)
        result = cli("check", "add")
        assert result.code == 1, (name, result.out)
        after = _tables(db)
        added = [row for row in after.pop("check_runs") if row not in before["check_runs"]]
        assert len(added) == 1, name
        before.pop("check_runs")
        assert after == before, name
    with open_store(db) as store:
        assert [run.passed for run in store.runs()] == [False] * len(HOSTILE) + [True]


# -- printing untrusted text --------------------------------------------------------------------


def test_every_bundled_hint_prints_verbatim(cli, isolated_home, monkeypatch):
    """Hints are plain text: `x[index]` must print as written, not as rich markup."""
    from dlpath.curriculum.loader import load_curriculum

    monkeypatch.delenv("DLPATH_CURRICULUM")
    curriculum = load_curriculum()
    monkeypatch.setattr("dlpath.cli.context.curriculum", lambda: curriculum)
    with_brackets = 0
    with open_store(isolated_home / "progress.db") as store:
        for exercise in curriculum.exercises():
            for _ in range(len(exercise.hints) - 1):
                store.reveal_hint(exercise.key, len(exercise.hints))
    for exercise in curriculum.exercises():
        result = cli("hint", exercise.key)
        assert result.code == 0, result.err
        for hint in exercise.hints:
            with_brackets += "[" in hint
            assert hint in result.out, (exercise.key, hint)
    assert with_brackets  # the curriculum's hints do hold brackets, so this tests something


def test_learner_text_is_not_markup(cli, workspace):
    write(
        workspace / "exercises/basics/add.py",
        "def add(a, b):\n    print('[bold]x[i][/bold] :smile:')\n    return [a][0] * b\n",
    )
    result = cli("check", "add")
    assert result.code == 1
    assert "[bold]x[i][/bold] :smile:" in result.out


def test_no_step_count_when_a_check_reports_no_total():
    import io

    from rich.console import Console

    from dlpath.cli.check_report import LiveProgress

    class Ex:
        id = "softmax[i]"

    live = LiveProgress(Ex(), quiet=False)  # type: ignore[arg-type]
    with live:
        live.progress.stop()

        def shown() -> str:
            buffer = io.StringIO()
            Console(file=buffer, width=200).print(live.progress.make_tasks_table(
                live.progress.tasks))
            return buffer.getvalue()

        assert "None" not in shown() and "steps" not in shown()
        assert "softmax[i]" in shown()
        live.update({"event": "progress", "step": 3, "total": None, "loss": 0.5})
        assert "None" not in shown() and "steps" not in shown() and "loss 0.5000" in shown()
        live.update({"event": "progress", "step": 3, "total": 10, "loss": 0.5})
        assert "3/10 steps" in shown()


# -- watching -----------------------------------------------------------------------------------


def test_watch_a_module_as_json_lines(cli, workspace):
    add = workspace / "exercises/basics/add.py"
    write(add, "def add(a, b):\n    return a * b\n")
    process = _spawn(
        ["--workspace", str(workspace), "check", "basics", "--watch", "--json"],
        {"DLPATH_WATCH_POLL": "1"},
    )
    seen: list[str] = []
    assert _read_until(process, "Watching 2 files", seen, timeout=90), "".join(seen)
    first = [json.loads(line) for line in seen if line.startswith("{")]
    assert [(v["exercise"], v["passed"]) for v in first] == [
        ("basics/add", False),
        ("basics/fit_line", False),
    ]
    seen.clear()
    time.sleep(0.5)
    write(add, "def add(a, b):\n    return a + b\n")
    assert _read_until(process, "Watching", seen, timeout=30), "".join(seen)
    again = [json.loads(line) for line in seen if line.startswith("{")]
    assert [(v["exercise"], v["passed"]) for v in again] == [("basics/add", True)]
    seen.clear()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 130
    assert _read_until(process, "stopped watching", seen, timeout=5), "".join(seen)
    assert "the running check was stopped" not in "".join(seen)


def test_a_missing_package_names_the_install_command_and_is_not_recorded(
    cli, workspace, isolated_home, monkeypatch
):
    import dataclasses

    from dlpath.curriculum import loader

    real = loader.load_curriculum

    def needing_a_package(*args, **kwargs):  # type: ignore[no-untyped-def]
        curriculum = real(*args, **kwargs)
        (module,) = [m for m in curriculum.modules if m.id == "basics"]
        exercises = tuple(
            dataclasses.replace(e, requires=("surely-not-installed",)) if e.id == "add" else e
            for e in module.exercises
        )
        modules = tuple(
            dataclasses.replace(m, exercises=exercises) if m is module else m
            for m in curriculum.modules
        )
        return dataclasses.replace(curriculum, modules=modules)

    monkeypatch.setattr(loader, "load_curriculum", needing_a_package)
    result = cli("check", "add")
    assert result.code == 1
    assert f"{sys.executable} -m pip install surely-not-installed" in result.out
    with open_store(isolated_home / "progress.db") as store:
        assert store.runs() == []
