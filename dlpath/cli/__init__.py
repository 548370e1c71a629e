"""The ``dlpath`` command line: one module per command, heavy imports inside the commands."""

from dlpath.cli.app import app, main

__all__ = ["app", "main"]
