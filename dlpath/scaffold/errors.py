"""The one error `dlpath new` reports."""

from __future__ import annotations

from dlpath.errors import DlpathError


class ScaffoldError(DlpathError):
    """Raised when a project cannot be generated: an unknown template or answer, a name that
    cannot become a Python package, an existing destination, or a failure while writing (after
    which nothing is left behind). The message is one line saying what and where."""
