"""The progress store keeps the learner's record through crashes, concurrency, upgrades and
corruption."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlpath.errors import ProgressStoreError
from dlpath.progress.schema import MIGRATIONS, SCHEMA_VERSION
from dlpath.progress.store import CheckRun, migrate, open_store


def run(exercise: str = "prerequisites/softmax", passed: bool = True) -> CheckRun:
    return CheckRun(
        exercise,
        passed,
        None if passed else "values",
        "msg",
        {"acc": 0.9},
        "cpu",
        1.5,
        time.time(),
        "ab" * 32,
        0,
    )


def test_round_trip_of_every_record(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        store.mark_lesson_read("m", "l1")
        store.mark_lesson_read("m", "l1")
        store.record_answer("m", "q1", "b", False)
        store.record_answer("m", "q1", "a", True)
        store.record_run(run(passed=False))
        store.record_run(run(passed=True))
        store.set_setting("track", "cv-engineer")
        store.set_setting("track", "ml-engineer")
        store.add_time("m", 30)
        store.add_time("m", 12.5)
        assert store.reveal_hint("m/e", 2) == 1
    with open_store(tmp_path / "p.db") as store:
        assert store.lessons_read() == {("m", "l1")}
        assert store.latest_answers("m") == {"q1": True}
        runs = store.runs()
        assert [r.passed for r in runs] == [True, False]
        assert runs[0].metrics == {"acc": 0.9} and runs[0].file_hash == "ab" * 32
        assert store.latest_runs()["prerequisites/softmax"].passed
        assert store.settings() == {"track": "ml-engineer"}
        assert store.time_spent() == {"m": 42.5}
        assert store.reveal_hint("m/e", 2) == 2 and store.reveal_hint("m/e", 2) == 2


WRITER = """
import sys, time
from pathlib import Path
from dlpath.progress.store import CheckRun, open_store
store = open_store(Path(sys.argv[1]))
tag = sys.argv[2]
print("ready", flush=True)
for i in range(int(sys.argv[3])):
    store.record_run(CheckRun(f"{tag}/{i}", True, None, "x" * 2000, {}, "cpu", 0.1, time.time()))
    store.set_setting(f"last-{tag}", str(i))
print("done", flush=True)
"""


def _writer(db: Path, tag: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), tag, str(count)], stdout=subprocess.PIPE, text=True
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    db = tmp_path / "p.db"
    open_store(db).close()
    writers = [_writer(db, tag, 150) for tag in ("a", "b")]
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0 and "done" in out
    with open_store(db) as store:
        runs = store.runs(limit=1000)
        assert len(runs) == 300
        assert store.setting("last-a") == "149" and store.setting("last-b") == "149"


def test_kill_9_in_the_middle_of_writes_keeps_a_consistent_database(tmp_path):
    db = tmp_path / "p.db"
    writer = _writer(db, "k", 100_000)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    time.sleep(0.7)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    with open_store(db) as store:
        assert store.recovered_from is None
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = len(store.runs(limit=1_000_000))
        last = int(store.setting("last-k") or -1)
        assert count > 0
        # each run and its setting are separate transactions: at most one run ahead
        assert last + 1 <= count <= last + 2


def test_an_older_database_is_migrated_forward_keeping_its_rows(tmp_path):
    db_path = tmp_path / "p.db"
    db = sqlite3.connect(db_path, isolation_level=None)
    migrate(db, target=1)  # a database as the first release wrote it
    db.execute(
        "INSERT INTO check_runs (exercise, passed, layer, message, metrics, device,"
        " duration, ran_at) VALUES ('m/e', 1, NULL, 'ok', '{}', 'cpu', 1.0, 0)"
    )
    db.execute("INSERT INTO settings VALUES ('track', 'data-scientist')")
    db.close()
    with open_store(db_path) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (old,) = store.runs()
        assert old.exercise == "m/e" and old.passed and old.file_hash == "" and old.seed == 0
        assert store.setting("track") == "data-scientist"
        store.add_time("m", 5)  # a table the first release did not have
        store.record_run(run())
        assert len(store.runs()) == 2


def test_a_database_from_a_newer_dlpath_is_refused_not_touched(tmp_path):
    db_path = tmp_path / "p.db"
    db = sqlite3.connect(db_path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(ProgressStoreError, match="newer dlpath"):
        open_store(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"this is not a database" * 100, b"SQLite format 3\x00" + b"\xff" * 5000]
)
def test_a_corrupt_file_is_moved_aside_never_emptied(tmp_path, content):
    db_path = tmp_path / "progress.db"
    db_path.write_bytes(content)
    with open_store(db_path) as store:
        assert store.recovered_from is not None
        assert store.recovered_from.name.startswith("progress.db.corrupt-")
        assert store.recovered_from.read_bytes() == content
        store.mark_lesson_read("m", "l")
    with open_store(db_path) as store:
        assert store.recovered_from is None and store.lessons_read() == {("m", "l")}


def test_cli_says_when_it_moved_a_corrupt_database(tmp_path, isolated_home, pack):
    (isolated_home / "progress.db").write_bytes(b"garbage" * 500)
    result = subprocess.run(
        [sys.executable, "-m", "dlpath", "list"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "progress database was unreadable; it was moved to" in result.stderr
    assert list(isolated_home.glob("progress.db.corrupt-*"))


# -- a healthy file the surroundings refuse is reported, never moved aside -----------------------


def _read_only(path: Path) -> sqlite3.Connection:
    """What dlpath gets on a read-only file system (chmod does not stop root, who runs tests)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def _healthy(path: Path) -> bytes:
    """A sound database left in rollback-journal mode (as another SQLite tool leaves it): opening
    it read-only fails when dlpath switches it to WAL."""
    with open_store(path) as store:
        store.set_setting("track", "cv-engineer")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path.read_bytes()


def test_a_read_only_database_is_reported_not_moved_aside(tmp_path, monkeypatch):
    import dlpath.progress.store as store_module

    db_path = tmp_path / "progress.db"
    before = _healthy(db_path)
    monkeypatch.setattr(store_module, "_connect", _read_only)
    with pytest.raises(ProgressStoreError) as caught:
        open_store(db_path)
    message = str(caught.value)
    assert message.startswith(f"{db_path}: cannot open the progress database: ")
    assert "readonly" in message and "\n" not in message
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize(
    "error", ["database or disk is full", "disk I/O error", "unable to open database file"]
)
def test_other_operational_errors_are_one_line_and_leave_the_file(tmp_path, monkeypatch, error):
    import dlpath.progress.store as store_module

    db_path = tmp_path / "progress.db"
    before = _healthy(db_path)

    def refuse(path: Path) -> sqlite3.Connection:
        raise sqlite3.OperationalError(error)

    monkeypatch.setattr(store_module, "_connect", refuse)
    with pytest.raises(ProgressStoreError, match=error) as caught:
        open_store(db_path)
    assert "\n" not in str(caught.value)
    assert db_path.read_bytes() == before and not list(tmp_path.glob("*.corrupt-*"))


def test_a_write_the_database_refuses_is_one_line_and_rolled_back(tmp_path):
    db_path = tmp_path / "progress.db"
    _healthy(db_path)
    with open_store(db_path) as store:
        store.connection.close()
        store.connection = _read_only(db_path)
        with pytest.raises(ProgressStoreError) as caught:
            store.set_setting("track", "nlp-engineer")
        assert str(caught.value).startswith(f"{db_path}: cannot save your progress: ")
        assert "\n" not in str(caught.value)
        assert not store.connection.in_transaction
        assert store.setting("track") == "cv-engineer"


def test_a_corrupt_file_that_cannot_be_moved_aside_is_one_line(tmp_path, monkeypatch):
    db_path = tmp_path / "progress.db"
    db_path.write_bytes(b"garbage" * 500)

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(ProgressStoreError, match="could not be moved aside: Permission denied"):
        open_store(db_path)
    assert db_path.read_bytes() == b"garbage" * 500


def test_cli_prints_a_read_only_database_as_one_line(isolated_home, pack, monkeypatch, cli):
    import dlpath.progress.store as store_module

    before = _healthy(isolated_home / "progress.db")
    monkeypatch.setattr(store_module, "_connect", _read_only)
    result = cli("list")
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert result.err.startswith("dlpath: error: ") and "readonly" in result.err
    assert (isolated_home / "progress.db").read_bytes() == before
