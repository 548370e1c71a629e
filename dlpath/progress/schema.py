"""The progress database's schema, as an ordered list of migrations.

``PRAGMA user_version`` holds how many migrations a file has had. Opening a file applies the missing
ones in one transaction, so a database from an older dlpath moves forward and never loses rows.
Never edit a released migration: append a new one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first release
    """
    CREATE TABLE lessons_read (
        module TEXT NOT NULL, lesson TEXT NOT NULL, read_at REAL NOT NULL,
        PRIMARY KEY (module, lesson)
    );
    CREATE TABLE quiz_answers (
        id INTEGER PRIMARY KEY, module TEXT NOT NULL, question TEXT NOT NULL,
        answer TEXT NOT NULL, correct INTEGER NOT NULL, answered_at REAL NOT NULL
    );
    CREATE TABLE check_runs (
        id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, passed INTEGER NOT NULL,
        layer TEXT, message TEXT NOT NULL, metrics TEXT NOT NULL, device TEXT NOT NULL,
        duration REAL NOT NULL, ran_at REAL NOT NULL
    );
    CREATE TABLE hints_revealed (
        exercise TEXT PRIMARY KEY, count INTEGER NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY, value TEXT NOT NULL
    );
    """,
    # 2: the learner's file hash and seed per run; time spent per module
    """
    ALTER TABLE check_runs ADD COLUMN file_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE check_runs ADD COLUMN seed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX check_runs_by_exercise ON check_runs (exercise, ran_at);
    CREATE TABLE time_spent (
        module TEXT PRIMARY KEY, seconds REAL NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
