"""Shared fixtures: tiny runs, so the whole suite takes seconds on a CPU."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Tiny models gain nothing from several CPU threads, and on a busy machine the threads fight
# over the cores. Set before PyTorch or scikit-learn is imported (the tests import them later).
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
# Small enough to train in about a second, big enough to exercise every code path.
TINY = [
    "device=cpu",
    "train.epochs=2",
    "data.max_train_samples=192",
    "bench.iterations=5",
    "bench.warmup=1",
]


def tiny_config(folder: Path, *overrides: str) -> dict:
    """The project's config, made tiny, writing everything under ``folder``."""
    from {{ cookiecutter.package_name }}.config import load_config

    readme = folder / "README.md"
    if not readme.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "README.md", readme)
    return load_config(
        ROOT / "configs" / "default.yaml",
        [
            *TINY,
            f"output_dir={folder / 'run'}",
            f"report.readme={readme}",
            f"report.figures_dir={folder / 'figures'}",
            *overrides,
        ],
    )


@pytest.fixture(scope="session", autouse=True)
def _in_project_root():
    """Relative paths in the config (data files, outputs) mean the same wherever pytest starts."""
    before = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(before)


@pytest.fixture
def make_config():
    """``make_config(folder, *overrides)``: a tiny config writing under ``folder``."""
    return tiny_config


@pytest.fixture
def project_root() -> Path:
    return ROOT


@pytest.fixture
def tiny_overrides() -> list[str]:
    return list(TINY)


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One tiny run, trained and evaluated once for all the tests that only read it."""
    from {{ cookiecutter.package_name }}.evaluate import evaluate
    from {{ cookiecutter.package_name }}.train import train

    config = tiny_config(tmp_path_factory.mktemp("trained"))
    train(config)
    evaluate(config)
    return config
