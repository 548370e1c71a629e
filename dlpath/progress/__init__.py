"""The learner's progress: a versioned SQLite database that survives crashes and concurrency."""

from dlpath.progress.store import CheckRun, ProgressStore, open_store

__all__ = ["CheckRun", "ProgressStore", "open_store"]
