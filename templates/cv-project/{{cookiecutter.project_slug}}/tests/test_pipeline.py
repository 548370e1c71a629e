"""The whole pipeline on a tiny run: train, evaluate, report, export, bench."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from {{ cookiecutter.package_name }} import bench as bench_module
from {{ cookiecutter.package_name }} import evaluate as evaluate_module
from {{ cookiecutter.package_name }} import task
from {{ cookiecutter.package_name }} import train as train_module
from {{ cookiecutter.package_name }}.bench import bench
from {{ cookiecutter.package_name }}.config import ConfigError, apply_override, load_config, run_dir
from {{ cookiecutter.package_name }}.device import pick_device
from {{ cookiecutter.package_name }}.evaluate import DUMMY_NAME, evaluate
from {{ cookiecutter.package_name }}.export import export_onnx
from {{ cookiecutter.package_name }}.report import (
    END_MARKER,
    START_MARKER,
    make_report,
    replace_between_markers,
)
from {{ cookiecutter.package_name }}.splits import split
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
    with pytest.raises(ValueError, match="seed 0, not seed 1"):  # resumed on other data
        train(make_config(tmp_path / "b", "train.epochs=3", "train.resume=true", "seed=1"))


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


def test_export_matches_pytorch_and_bench_reports_percentiles(trained, monkeypatch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = export_onnx(trained)
    traced = [str(w.message) for w in caught if issubclass(w.category, torch.jit.TracerWarning)]
    assert traced == []  # a value the tracer froze would make the ONNX model wrong elsewhere
    assert Path(result["path"]).exists()
    assert result["max_abs_difference"] <= trained["export"]["tolerance"]
    threads_before = torch.get_num_threads()
    threads = threads_before + 1  # not what torch runs on already, so pinning it shows
    timed_on = []
    real_time_runtimes = bench_module.time_runtimes

    def recording_time_runtimes(*args):  # the threads torch has while the timing runs
        timed_on.append(torch.get_num_threads())
        return real_time_runtimes(*args)

    monkeypatch.setattr(bench_module, "time_runtimes", recording_time_runtimes)
    rows = bench(apply_override(trained, f"bench.threads={threads}"))
    assert timed_on == [threads]
    assert {row["runtime"] for row in rows} == {"pytorch (cpu)", "onnxruntime (cpu)"}
    for row in rows:
        assert row["p50_ms"] <= row["p90_ms"] <= row["p99_ms"]
    recorded = json.loads((run_dir(trained) / "metrics.json").read_text())["bench"]
    assert recorded["threads"] == threads
    assert torch.get_num_threads() == threads_before  # pinned for the bench only


def test_evaluate_export_and_bench_refuse_data_the_run_was_not_trained_on(trained, tmp_path):
    metrics_file = run_dir(trained) / "metrics.json"
    before = metrics_file.read_text()
    for override, named in [("seed=1", "seed 0, not seed 1"),
                            ("data.test_fraction=0.3", "data.test_fraction 0.2, not")]:  # fmt: skip
        other = apply_override(trained, override)
        for command in (evaluate, export_onnx, bench):
            with pytest.raises(ValueError, match=named):
                command(other)
    assert metrics_file.read_text() == before  # no wrong number was written
    # from the command line: one line, no traceback
    config_file = tmp_path / "trained.yaml"
    config_file.write_text(yaml.safe_dump(trained))
    with pytest.raises(SystemExit) as refused:
        evaluate_module.main(["--config", str(config_file), "--set", "seed=1"])
    message = str(refused.value)
    assert message.startswith("error: ") and "\n" not in message and "best.pt" in message


def test_report_needs_test_scores_before_drawing(tmp_path, make_config):
    config = make_config(tmp_path, "train.epochs=1")
    train(config)
    with pytest.raises(ValueError, match="make evaluate"):
        make_report(config)
    assert not Path(config["report"]["figures_dir"]).exists()  # nothing drawn


def test_a_config_that_is_not_valid_yaml_names_its_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("seed: 0\ntrain:\n  epochs: [3\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}:4:1: not valid YAML")
    assert "flow sequence from line 3" in str(raised.value)
    with pytest.raises(SystemExit) as exited:
        train_module.main(["--config", str(path)])
    assert str(exited.value) == f"error: {raised.value}"
    with pytest.raises(ConfigError, match="not valid YAML"):
        apply_override({"seed": 0}, "seed=[1")


def test_too_few_rows_to_split_are_refused_with_their_count():
    x, y = np.zeros((4, 3), dtype=np.float32), np.array([0, 0, 1, 1])
    data = {"val_fraction": 0.15, "test_fraction": 0.2}
    with pytest.raises(ValueError, match="4 rows .*validation and test sets would be empty"):
        split(x, y, ["a", "b"], data, seed=0)
    splits = split(np.zeros((40, 3)), np.arange(40) % 2, ["a", "b"], data, seed=0)
    assert min(len(splits.y_train), len(splits.y_val), len(splits.y_test)) > 0


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
