"""Read and write the learner's progress.

Every write is one short ``BEGIN IMMEDIATE`` transaction in WAL mode, so a ``kill -9`` leaves the
last committed state and two dlpath processes (the TUI and ``dlpath check``, say) wait for each
other instead of failing. A file that is not a readable database is moved aside, never emptied;
any other failure (read-only, disk full, I/O) is a one-line ProgressStoreError that leaves the
file alone.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlpath.errors import ProgressStoreError
from dlpath.paths import progress_db_path
from dlpath.progress.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from dlpath.engine.verdict import Verdict

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class CheckRun:
    exercise: str
    passed: bool
    layer: str | None
    message: str
    metrics: dict[str, float]
    device: str
    duration: float
    ran_at: float
    file_hash: str = ""
    seed: int = 0

    @classmethod
    def from_verdict(cls, exercise: str, verdict: Verdict, file_hash: str, seed: int) -> CheckRun:
        """The record of a finished check, as `dlpath check` and the tutor both keep it."""
        return cls(
            exercise,
            verdict.passed,
            verdict.layer,
            verdict.message,
            verdict.metrics,
            verdict.device,
            verdict.duration,
            time.time(),
            file_hash,
            seed,
        )


@dataclass
class ProgressStore:
    """A connection to the progress database; ``recovered_from`` is set when a corrupt file was
    moved aside while opening it."""

    path: Path
    connection: sqlite3.Connection
    recovered_from: Path | None = field(default=None)

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: the lock is taken up front so concurrent writers queue.

        A write the database refuses (read-only, disk full, an I/O error, a lock held too long)
        is a one-line ProgressStoreError; nothing is half written.
        """
        try:
            with _transaction(self.connection) as db:
                yield db
        except sqlite3.OperationalError as exc:
            raise _cannot(self.path, "save your progress", exc) from None

    # -- lessons ---------------------------------------------------------------------------

    def mark_lesson_read(self, module: str, lesson: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO lessons_read (module, lesson, read_at) VALUES (?, ?, ?)",
                (module, lesson, time.time()),
            )

    def lessons_read(self) -> set[tuple[str, str]]:
        return {
            (m, lesson)
            for m, lesson in self.connection.execute("SELECT module, lesson FROM lessons_read")
        }

    # -- quizzes ---------------------------------------------------------------------------

    def record_answer(self, module: str, question: str, answer: str, correct: bool) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO quiz_answers (module, question, answer, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (module, question, answer, int(correct), time.time()),
            )

    def latest_answers(self, module: str) -> dict[str, bool]:
        """Per question of ``module``, whether the learner's latest answer was right."""
        rows = self.connection.execute(
            "SELECT question, correct FROM quiz_answers WHERE module = ? ORDER BY id", (module,)
        )
        return {question: bool(correct) for question, correct in rows}

    # -- check runs ------------------------------------------------------------------------

    def record_run(self, run: CheckRun) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO check_runs (exercise, passed, layer, message, metrics, device,"
                " duration, ran_at, file_hash, seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.exercise,
                    int(run.passed),
                    run.layer,
                    run.message,
                    json.dumps(run.metrics),
                    run.device,
                    run.duration,
                    run.ran_at,
                    run.file_hash,
                    run.seed,
                ),
            )

    def runs(self, exercise: str | None = None, limit: int = 100) -> list[CheckRun]:
        """The most recent runs first, of one exercise or of all."""
        query = (
            "SELECT exercise, passed, layer, message, metrics, device, duration, ran_at,"
            " file_hash, seed FROM check_runs"
        )
        params: tuple[Any, ...] = ()
        if exercise is not None:
            query += " WHERE exercise = ?"
            params = (exercise,)
        query += " ORDER BY id DESC LIMIT ?"
        rows = self.connection.execute(query, (*params, limit))
        return [
            CheckRun(
                ex,
                bool(passed),
                layer,
                message,
                json.loads(metrics),
                device,
                duration,
                ran_at,
                file_hash,
                seed,
            )
            for (
                ex,
                passed,
                layer,
                message,
                metrics,
                device,
                duration,
                ran_at,
                file_hash,
                seed,
            ) in rows
        ]

    def latest_runs(self) -> dict[str, CheckRun]:
        """The most recent run of every exercise that ever ran."""
        latest: dict[str, CheckRun] = {}
        for run in reversed(self.runs(limit=1_000_000)):
            latest[run.exercise] = run
        return latest

    def exercise_states(self) -> dict[str, str]:
        """``passed`` for every exercise that ever passed, ``failed`` for those that only failed."""
        rows = self.connection.execute(
            "SELECT exercise, MAX(passed) FROM check_runs GROUP BY exercise"
        )
        return {exercise: "passed" if best else "failed" for exercise, best in rows}

    # -- hints -----------------------------------------------------------------------------

    def reveal_hint(self, exercise: str, available: int) -> int:
        """Reveal one more hint (up to ``available``); returns how many are revealed now."""
        with self._write() as db:
            row = db.execute(
                "SELECT count FROM hints_revealed WHERE exercise = ?", (exercise,)
            ).fetchone()
            count = min(available, (row[0] if row else 0) + 1)
            db.execute(
                "INSERT INTO hints_revealed (exercise, count) VALUES (?, ?)"
                " ON CONFLICT (exercise) DO UPDATE SET count = excluded.count",
                (exercise, count),
            )
        return count

    def hints_revealed(self, exercise: str) -> int:
        row = self.connection.execute(
            "SELECT count FROM hints_revealed WHERE exercise = ?", (exercise,)
        ).fetchone()
        return row[0] if row else 0

    # -- time spent ------------------------------------------------------------------------

    def add_time(self, module: str, seconds: float) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO time_spent (module, seconds) VALUES (?, ?)"
                " ON CONFLICT (module) DO UPDATE SET seconds = seconds + excluded.seconds",
                (module, max(0.0, seconds)),
            )

    def time_spent(self) -> dict[str, float]:
        return dict(self.connection.execute("SELECT module, seconds FROM time_spent"))

    # -- settings --------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def settings(self) -> dict[str, str]:
        return dict(self.connection.execute("SELECT key, value FROM settings"))


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` (the write lock up front, so concurrent writers queue) ... ``COMMIT``;
    any error rolls back, unless SQLite has already rolled back itself."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def _cannot(path: Path, what: str, exc: BaseException) -> ProgressStoreError:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return ProgressStoreError(f"{path}: cannot {what}: {reason}")


class _CorruptDatabase(sqlite3.DatabaseError):
    """Raised inside this module when SQLite's own integrity check fails."""


# What SQLite says of a file that is not, or no longer, a database. Anything else (read-only,
# disk full, I/O error, locked, cannot open) is about the surroundings, not the file.
_CORRUPT_WORDS = ("not a database", "malformed")


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    return isinstance(exc, _CorruptDatabase) or any(w in str(exc) for w in _CORRUPT_WORDS)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return db


def migrate(db: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Apply the migrations a database lacks, all in one transaction."""
    with _transaction(db):
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, target):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    db.execute(statement)
        if version < target:
            db.execute(f"PRAGMA user_version = {target}")


def _open_checked(path: Path) -> sqlite3.Connection:
    db = _connect(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            db.close()
            raise ProgressStoreError(
                f"{path}: written by a newer dlpath (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade dlpath to use it"
            )
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _CorruptDatabase("quick_check failed")
        db.execute("PRAGMA journal_mode = WAL")  # readers never block the writer
        db.execute("PRAGMA synchronous = NORMAL")  # WAL keeps this crash-safe
        migrate(db)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _move_aside(path: Path) -> Path:
    """Rename a corrupt database (and its WAL files) to ``<name>.corrupt-<time>``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    try:
        while aside.exists():
            aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists():
                sidecar.rename(aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise ProgressStoreError(
            f"{path}: the progress database is unreadable and could not be moved aside: "
            f"{exc.strerror or exc}"
        ) from None
    return aside


def open_store(path: Path | None = None) -> ProgressStore:
    """Open (creating or migrating as needed) the progress database at ``path``.

    A corrupt file is renamed to ``progress.db.corrupt-<time>`` and a clean database takes its
    place; the returned store's ``recovered_from`` says where the old file went.
    """
    path = path or progress_db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProgressStoreError(f"{path.parent}: cannot create the data folder: {exc}") from None
    recovered: Path | None = None
    try:
        db = _open_checked(path)
    except sqlite3.DatabaseError as exc:
        if not _is_corrupt(exc):  # read-only, disk full, I/O error, locked: the file is fine
            raise _cannot(path, "open the progress database", exc) from None
        recovered = _move_aside(path)
        try:
            db = _open_checked(path)
        except sqlite3.DatabaseError as again:
            raise _cannot(path, "create a new progress database", again) from None
    return ProgressStore(path, db, recovered)
