"""Every scaffold test runs with its own dlpath home and user home, both under tmp_path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
# `{{`, `{%` or `{#` that Jinja left unrendered; `${{ ... }}` is GitHub Actions' own syntax.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")


@pytest.fixture(autouse=True)
def scaffold_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    homes = {"dlpath": tmp_path / "dlpath-home", "user": tmp_path / "user-home"}
    for path in homes.values():
        path.mkdir()
    monkeypatch.setenv("DLPATH_HOME", str(homes["dlpath"]))
    monkeypatch.setenv("HOME", str(homes["user"]))
    monkeypatch.delenv("COOKIECUTTER_CONFIG", raising=False)
    return homes


@pytest.fixture
def leftover_jinja():
    return find_leftover_jinja


@pytest.fixture
def ruff():
    return run_ruff


@pytest.fixture(scope="session")
def matplotlib_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One matplotlib config folder for every generated suite: its font cache is built once."""
    return tmp_path_factory.mktemp("matplotlib")


@pytest.fixture
def project_tests(matplotlib_cache: Path):
    def run(project: Path, *pytest_args: str) -> subprocess.CompletedProcess:
        return run_project_tests(project, *pytest_args, matplotlib_dir=matplotlib_cache)

    return run


def find_leftover_jinja(project: Path) -> list[str]:
    """``path:line`` of every unrendered Jinja mark in the project's text files."""
    found = []
    for path in sorted(project.rglob("*")):
        if not path.is_file() or path.suffix in {".png", ".pt", ".onnx"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LEFTOVER_JINJA.search(line):
                found.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    return found


def run_ruff(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "ruff"), "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_project_tests(
    project: Path, *pytest_args: str, matplotlib_dir: Path | None = None
) -> subprocess.CompletedProcess:
    """The generated project's own tests, with this interpreter and no install (PYTHONPATH)."""
    env = dict(os.environ, PYTHONPATH=str(project / "src"), OMP_NUM_THREADS="1")
    if matplotlib_dir is not None:
        env["MPLCONFIGDIR"] = str(matplotlib_dir)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *pytest_args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
