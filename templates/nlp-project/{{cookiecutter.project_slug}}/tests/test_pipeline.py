"""The whole pipeline on a tiny run: train, evaluate, report, export, bench."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import task
from {{ cookiecutter.package_name }}.bench import bench
from {{ cookiecutter.package_name }}.config import ConfigError, apply_override, run_dir
from {{ cookiecutter.package_name }}.device import pick_device
from {{ cookiecutter.package_name }}.evaluate import DUMMY_NAME
from {{ cookiecutter.package_name }}.export import export_onnx
from {{ cookiecutter.package_name }}.report import (
    END_MARKER,
    START_MARKER,
    make_report,
    replace_between_markers,
)
from {{ cookiecutter.package_name }}.train import train

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_training_saves_checkpoints_and_history(trained):
    out = run_dir(trained)
    assert (out / "best.pt").exists() and (out / "last.pt").exists()
    metrics = json.loads((out / "metrics.json").read_text())
    assert [row["epoch"] for row in metrics["history"]] == [1, 2]
    assert metrics["world_size"] == 1 and metrics["device"] == "cpu"


def test_same_seed_same_run_and_resume_continues(tmp_path, make_config):
    first = train(make_config(tmp_path / "a", "train.epochs=1"))
    second = train(make_config(tmp_path / "b", "train.epochs=1"))
    assert first["history"] == second["history"]  # the seed fixes everything
    resumed = train(make_config(tmp_path / "b", "train.epochs=2", "train.resume=true"))
    assert [row["epoch"] for row in resumed["history"]] == [1, 2]
    assert resumed["history"][0] == first["history"][0]  # epoch 1 came from last.pt


def test_evaluation_puts_the_model_beside_both_baselines(trained):
    metrics = json.loads((run_dir(trained) / "metrics.json").read_text())
    assert set(metrics["baselines"]) == {DUMMY_NAME, task.CLASSICAL_NAME}
    for scores in [metrics["test"], *metrics["baselines"].values()]:
        assert 0.0 <= scores["accuracy"] <= 1.0
    matrix = metrics["test"]["confusion_matrix"]
    assert sum(map(sum, matrix)) == metrics["test"]["samples"]


def test_report_rewrites_only_the_results_section(trained):
    readme = Path(trained["report"]["readme"])
    before, after = (part for part in readme.read_text().split(START_MARKER, 1))
    make_report(trained)
    text = readme.read_text()
    assert text.startswith(before)
    assert text.endswith(after.split(END_MARKER, 1)[1])
    assert "| test accuracy |" in text and DUMMY_NAME in text
    figures = Path(trained["report"]["figures_dir"])
    for name in ("training_curve.png", "confusion_matrix.png"):
        assert (figures / name).read_bytes().startswith(PNG_SIGNATURE)
    section = text.split(START_MARKER, 1)[1].split(END_MARKER, 1)[0].strip("\n")
    assert replace_between_markers(text, section) == text  # rerunning changes nothing


def test_export_matches_pytorch_and_bench_reports_percentiles(trained):
    result = export_onnx(trained)
    assert Path(result["path"]).exists()
    assert result["max_abs_difference"] <= trained["export"]["tolerance"]
    rows = bench(trained)
    assert {row["runtime"] for row in rows} == {"pytorch (cpu)", "onnxruntime (cpu)"}
    for row in rows:
        assert row["p50_ms"] <= row["p90_ms"] <= row["p99_ms"]


def test_overrides_only_set_existing_keys():
    config = {"train": {"epochs": 3}}
    assert apply_override(config, "train.epochs=5")["train"]["epochs"] == 5
    assert config["train"]["epochs"] == 3
    with pytest.raises(ConfigError, match="epoch"):
        apply_override(config, "train.epoch=5")


def test_device_override(monkeypatch):
    assert pick_device("cpu").type == "cpu"
    assert pick_device("auto").type in {"cuda", "mps", "cpu"}
    monkeypatch.setenv("DEVICE", "cpu")
    assert pick_device("auto").type == "cpu"
    monkeypatch.setenv("DEVICE", "tpu")
    with pytest.raises(ValueError, match="tpu"):
        pick_device("auto")


def test_readme_has_the_results_markers(project_root):
    text = (project_root / "README.md").read_text()
    assert text.index(START_MARKER) < text.index(END_MARKER)
