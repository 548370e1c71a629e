"""Data-parallel training under torchrun: two CPU processes talking over gloo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import torch


def test_torchrun_trains_with_two_processes(tmp_path, project_root, tiny_overrides):
    env = dict(os.environ, PYTHONPATH=str(project_root / "src"), OMP_NUM_THREADS="1")
    command = [
        sys.executable, "-m", "torch.distributed.run",
        "--standalone",  # a private rendezvous on a free local port
        "--nproc_per_node=2",
        "-m", "{{ cookiecutter.package_name }}.train",
        *(arg for item in tiny_overrides for arg in ("--set", item)),
        "--set", "train.epochs=1",
        "--set", f"output_dir={tmp_path}",
    ]
    done = subprocess.run(
        command, cwd=project_root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["world_size"] == 2
    assert done.stdout.count("epoch   1") == 1  # only the main process prints
    checkpoint = torch.load(tmp_path / "best.pt", weights_only=True)
    assert checkpoint["epoch"] == 1
