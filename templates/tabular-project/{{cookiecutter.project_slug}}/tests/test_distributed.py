"""Data-parallel training under torchrun: two CPU processes talking over gloo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from {{ cookiecutter.package_name }}.checkpoint import LAST, load_model, trained_splits
from {{ cookiecutter.package_name }}.config import run_dir
from {{ cookiecutter.package_name }}.train import predict_logits, train

# Dropout off: it draws different masks in each process, the one randomness DDP does not share.
EXACT = ["train.epochs=2", "data.max_train_samples=192", "model.dropout=0"]
PER_PROCESS_BATCH = 48


def test_torchrun_trains_with_two_processes(tmp_path, project_root, tiny_overrides, make_config):
    """Two processes with batches of B train the model one process with batches of 2B does.

    Each step, DDP averages the two processes' gradients, so the pair takes the step one
    process takes on the union of their batches, if each process reads its own half of the
    data. Processes that each read all the data take twice as many steps, and fail here.
    """
    env = dict(os.environ, PYTHONPATH=str(project_root / "src"), OMP_NUM_THREADS="1")
    command = [
        sys.executable, "-m", "torch.distributed.run",
        "--standalone",  # a private rendezvous on a free local port
        "--nproc_per_node=2",
        "-m", "{{ cookiecutter.package_name }}.train",
        *(arg for item in [*tiny_overrides, *EXACT] for arg in ("--set", item)),
        "--set", f"train.batch_size={PER_PROCESS_BATCH}",
        "--set", f"output_dir={tmp_path / 'two'}",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=project_root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"torchrun exited with {done.returncode}: {done.stderr[-3000:]}"
    metrics = json.loads((tmp_path / "two" / "metrics.json").read_text())
    assert metrics["world_size"] == 2
    assert done.stdout.count("epoch   1") == 1  # only the main process prints

    config = make_config(tmp_path / "one", *EXACT, f"train.batch_size={2 * PER_PROCESS_BATCH}")
    train(config)
    cpu = torch.device("cpu")
    two, two_checkpoint = load_model(tmp_path / "two", cpu, LAST)
    one, one_checkpoint = load_model(run_dir(config), cpu, LAST)
    assert two_checkpoint["epoch"] == one_checkpoint["epoch"] == 2
    # The same function, to float rounding: the logits on held-out data agree. (Weights are
    # compared through what they compute: Adam turns the rounding noise in a gradient that is
    # zero in exact arithmetic, such as attention's key bias, into small random steps.)
    x_val = trained_splits(one_checkpoint).x_val
    torch.testing.assert_close(
        predict_logits(two, x_val, cpu), predict_logits(one, x_val, cpu), rtol=1e-4, atol=1e-5
    )
    for got, want in zip(two_checkpoint["history"], one_checkpoint["history"], strict=True):
        assert got["train_loss"] == pytest.approx(want["train_loss"], rel=1e-5)
        assert got["val_loss"] == pytest.approx(want["val_loss"], rel=1e-5)
