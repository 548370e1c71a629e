"""Train, evaluate, export and serve one classifier; `task.py` says which."""

__version__ = "0.1.0"
