"""A built wheel, installed in a fresh environment and run outside the repository, finds its
curriculum, checks and templates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.xdist_group("wheel")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; its dependencies come from this environment."""
    where = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(where / "dist"),
            str(REPO),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = (where / "dist").glob("dlpath-*.whl")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This environment's packages (torch, typer, ...) become visible, after the venv's own.
    # A plain path line does not run that folder's .pth files, so the editable dlpath stays out.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--quiet",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    return venv


def run(venv: Path, *args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLPATH_", "PYTHONPATH"))}
    env["DLPATH_HOME"] = str(home)
    return subprocess.run(
        [str(venv / "bin" / "dlpath"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_installed_wheel_carries_its_content(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(
        installed,
        "curriculum",
        "validate",
        "--stats",
        "--json",
        cwd=elsewhere,
        home=tmp_path / "home",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "_bundled" in data["directory"] and str(REPO) not in data["directory"]
    assert data["modules"] >= 1 and data["exercises"] >= 1
    probe = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "from dlpath import paths; print(paths.checks_dir()); print(paths.templates_dir())",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    checks, templates = (Path(line) for line in probe.stdout.split())
    assert (checks / "checklib" / "__init__.py").is_file() and "_bundled" in str(checks)
    assert any(templates.glob("*/cookiecutter.json")) and "_bundled" in str(templates)


def test_installed_wheel_runs_a_check(installed, tmp_path):
    home = tmp_path / "home"
    ws = tmp_path / "ws"
    assert run(installed, "init", str(ws), cwd=tmp_path, home=home).returncode == 0
    listing = json.loads(run(installed, "list", "--json", cwd=tmp_path, home=home).stdout)
    first = listing["modules"][0]
    exercise = first["exercises"][0]["id"]
    solution = next((REPO / "curriculum" / first["id"] / "solutions").glob(f"{exercise}.py"))
    (ws / "exercises" / first["id"] / f"{exercise}.py").write_text(solution.read_text())
    result = run(installed, "check", exercise, "--json", cwd=tmp_path, home=home)
    verdicts = json.loads(result.stdout)["verdicts"]
    assert result.returncode == 0 and verdicts[0]["passed"], result.stdout + result.stderr
