"""The Textual tutor behind `dlpath start`.

Importing this package is cheap; Textual is imported when the tutor runs.
"""

from __future__ import annotations

from pathlib import Path


def run_tutor(workspace: Path | None = None) -> None:
    """Run the tutor full-screen until the learner quits; ``workspace`` as ``--workspace``."""
    from dlpath.tui.app import create_app

    app = create_app(workspace=workspace)
    try:
        app.run()
    finally:
        app.session.close()


__all__ = ["run_tutor"]
