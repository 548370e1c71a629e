"""The check engine: runs a learner's file against a check in an isolated child process.

Free of UI code: the CLI and the TUI both drive ``CheckRunner`` and read its events.
"""
