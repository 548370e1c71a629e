"""The table task: the bundled data, the learner's own CSV, the MLP, cross-validation."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from {{ cookiecutter.package_name }}.config import run_dir
from {{ cookiecutter.package_name }}.crossval import crossval
from {{ cookiecutter.package_name }}.data import read_table_csv
from {{ cookiecutter.package_name }}.evaluate import DUMMY_NAME, evaluate
from {{ cookiecutter.package_name }}.model import TabularMLP
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.task import CLASSICAL_NAME, MODEL_NAME, load_splits
from {{ cookiecutter.package_name }}.train import train

DATA = {"source": "breast_cancer", "target_column": "target", "val_fraction": 0.15,
        "test_fraction": 0.2}
# A run short enough for the suite that still learns on every seed tried (0-9): the training
# loss falls to about a tenth and the test accuracy reaches 0.94-0.98, where always answering
# "benign" gets 0.63. A model that never learns (no optimizer step) gets neither.
LEARNS = ["train.epochs=5", "train.lr=0.003", "data.max_train_samples=null"]


def test_bundled_table_splits_and_standardizes_on_train_only():
    splits = load_splits(DATA, seed=0)
    assert splits.class_names == ["malignant", "benign"]
    assert splits.x_train.shape[1] == 30 and len(splits.meta["feature_names"]) == 30
    assert len(splits.x_train) + len(splits.x_val) + len(splits.x_test) == 569
    assert np.allclose(splits.meta["mean"], splits.x_train.mean(axis=0), rtol=1e-4)


def write_csv(path, with_target=True):
    header = "age,income,label\n" if with_target else "income,age\n"
    rows = ["30,1.5,yes\n", "41,,no\n", "25,2.0,yes\n"] if with_target else ["1.0,33\n"]
    path.write_text(header + "".join(rows))
    return path


def test_own_csv_with_missing_values(tmp_path):
    x, labels, features = read_table_csv(write_csv(tmp_path / "t.csv"), "label")
    assert features == ["age", "income"] and labels == ["yes", "no", "yes"]
    assert np.isnan(x[1, 1])
    (tmp_path / "bad.csv").write_text("city,label\nParis,yes\n")
    with pytest.raises(ValueError, match="city"):
        read_table_csv(tmp_path / "bad.csv", "label")


def test_own_csv_from_excel_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("age,label\n30,yes\n41,no\n".encode("utf-8-sig"))
    x, labels, features = read_table_csv(path, "label")
    assert features == ["age"] and labels == ["yes", "no"] and x.tolist() == [[30.0], [41.0]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("30,1.5,yes\n41,2.0\n", ":3: no value in column 'label'"),
        ("30,1.5,yes\n41,2.0,\n", ":3: no value in column 'label'"),
        ("30,1.5,yes,extra\n", ":2: more cells than the header's 3 columns"),
    ],
    ids=["short-row", "empty-label", "extra-cell"],  # one word each: `pytest -v` shows them
)
def test_own_csv_rows_with_missing_or_extra_cells_name_their_line(tmp_path, rows, message):
    path = tmp_path / "t.csv"
    path.write_text("age,income,label\n" + rows)
    with pytest.raises(ValueError) as raised:
        read_table_csv(path, "label")
    assert str(raised.value) == f"{path}{message}"


def test_own_csv_that_is_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("\u00e2ge,label\n30,oui\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8") as raised:
        read_table_csv(path, "label")
    assert str(raised.value).startswith(str(path))


def test_too_small_a_csv_is_refused_with_its_row_count(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("age,label\n30,yes\n31,yes\n60,no\n61,no\n")
    with pytest.raises(ValueError, match="4 rows"):
        load_splits({**DATA, "source": str(path), "target_column": "label"}, seed=0)


def test_mlp_standardizes_and_fills_missing_values():
    model = TabularMLP(mean=[10.0, 0.0], std=[2.0, 1.0], num_classes=2, hidden=(4,)).eval()
    z = model.net[0](torch.tensor([[12.0, float("nan")]]))
    assert z.tolist() == [[1.0, 0.0]]
    assert torch.isfinite(model(torch.tensor([[12.0, float("nan")]]))).all()


def test_crossval_compares_both_models(trained):
    summary = crossval({**trained, "crossval": {"folds": 2}})
    assert set(summary["models"]) == {MODEL_NAME, CLASSICAL_NAME}
    for scores in summary["models"].values():
        assert len(scores["accuracy_per_fold"]) == 2
    metrics = json.loads((run_dir(trained) / "metrics.json").read_text())
    assert metrics["crossval"]["folds"] == 2
    with pytest.raises(ValueError, match="seed 0, not seed 1"):  # folds of other data
        crossval({**trained, "seed": 1, "crossval": {"folds": 2}})


def test_predict_reads_rows_by_column_name(trained, tmp_path):
    splits = load_splits(DATA, seed=0)
    names = splits.meta["feature_names"]
    path = tmp_path / "rows.csv"
    reversed_columns = names[::-1]
    lines = [",".join(f'"{n}"' for n in reversed_columns)]
    for row in splits.x_test[:3]:
        lines.append(",".join(str(v) for v in row[::-1]))
    path.write_text("\n".join(lines) + "\n")
    rows = predict(trained, [str(path)])
    assert [r["input"] for r in rows] == [f"{path}:{i}" for i in (1, 2, 3)]
    assert {r["label"] for r in rows} <= {"malignant", "benign"}


def test_a_short_run_learns_and_beats_the_dummy_baseline(tmp_path, make_config):
    config = make_config(tmp_path, *LEARNS)
    history = train(config)["history"]
    assert history[-1]["train_loss"] < 0.5 * history[0]["train_loss"]
    metrics = evaluate(config)
    dummy = metrics["baselines"][DUMMY_NAME]["accuracy"]
    assert metrics["test"]["accuracy"] > dummy + 0.2
