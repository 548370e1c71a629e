"""Where dlpath reads its bundled content and writes its own data."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED_DIR = _PACKAGE_DIR / "_bundled"  # inside an installed wheel
_REPO_DIR = _PACKAGE_DIR.parent  # in a source checkout or an editable install


def _bundled(name: str) -> Path:
    inside_wheel = _BUNDLED_DIR / name
    return inside_wheel if inside_wheel.is_dir() else _REPO_DIR / name


def curriculum_dir() -> Path:
    """The curriculum in use: ``$DLPATH_CURRICULUM`` (a pack's folder) or the bundled one."""
    override = os.environ.get("DLPATH_CURRICULUM")
    if override:
        return Path(override).expanduser().resolve()
    return _bundled("curriculum")


def checks_dir() -> Path:
    """The bundled hands-on checks and their helper library ``checklib``."""
    return _bundled("checks")


def templates_dir() -> Path:
    """The bundled cookiecutter templates."""
    return _bundled("templates")


def schema_dir() -> Path:
    """The published JSON Schemas of the curriculum format."""
    return _PACKAGE_DIR / "schema"


def dlpath_home() -> Path:
    """Everything dlpath writes lives here: ``$DLPATH_HOME`` or the platform's user data dir."""
    override = os.environ.get("DLPATH_HOME")
    if override:
        return Path(override).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dlpath", appauthor=False))


def progress_db_path() -> Path:
    return dlpath_home() / "progress.db"


def default_workspace_dir() -> Path:
    return dlpath_home() / "workspace"
