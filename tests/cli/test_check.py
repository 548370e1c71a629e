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
    solutions = Path(os.environ["DLPATH_CURRICULUM"]) / "basics" / "solutions"
    for name in ("add.py", "fit_line.py"):
        write(workspace / "exercises/basics" / name, (solutions / name).read_text())
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


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the child")
def test_ctrl_c_exits_130_and_kills_the_child_at_once(cli, workspace, isolated_home):
    write(workspace / "exercises/basics/add.py", "def add(a, b):\n    while True:\n        pass\n")
    process = _spawn(["--workspace", str(workspace), "check", "add"], {})
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and not children:
        time.sleep(0.2)
        children = _child_pids(process.pid)
    assert children, "the check never started"
    time.sleep(2.0)  # the child imports torch and enters the loop
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 130, output
    time.sleep(0.2)
    assert not any(
        Path(f"/proc/{pid}").exists()
        and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
        for pid in children
    )
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
