"""The text task: the shipped reviews, the learner's own CSV, tokens, the Transformer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from {{ cookiecutter.package_name }}.data import build_vocabulary, encode, read_labelled_csv
from {{ cookiecutter.package_name }}.evaluate import DUMMY_NAME, evaluate
from {{ cookiecutter.package_name }}.model import TransformerClassifier
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.task import classical_features, load_splits
from {{ cookiecutter.package_name }}.train import train

DATA = {
    "source": "data/reviews.csv",
    "text_column": "text",
    "label_column": "label",
    "max_len": 24,
    "val_fraction": 0.15,
    "test_fraction": 0.2,
}
# A run short enough for the suite that still learns on every seed tried (0-9): the training
# loss falls to a fifth or less and the test accuracy reaches 0.68-0.78, where the dummy gets
# 0.5 (the full default run does about as well). A model that never learns gets neither.
LEARNS = ["train.epochs=10", "train.lr=0.005", "model.dropout=0", "data.min_count=2",
          "data.max_train_samples=null"]


def test_shipped_reviews_split_into_two_balanced_classes():
    splits = load_splits(DATA, seed=0)
    assert splits.class_names == ["negative", "positive"]
    assert len(splits.x_train) + len(splits.x_val) + len(splits.x_test) == 640
    assert abs(splits.y_test.mean() - 0.5) < 0.05
    assert splits.x_train.dtype == np.int64 and splits.x_train.shape[1] == 24


def test_vocabulary_comes_from_the_training_split_only():
    vocabulary = build_vocabulary(["the cat sat", "the dog"])
    assert vocabulary[:3] == ["<pad>", "<unk>", "the"]
    ids = encode(["The cat flew!", ""], vocabulary, max_len=4)
    assert ids.tolist() == [[2, 3, 1, 0], [1, 0, 0, 0]]  # unseen -> 1, empty -> one <unk>


def test_own_csv_with_other_column_names(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("body,topic\nrain all day,weather\ngoal in extra time,sport\n")
    texts, labels = read_labelled_csv(path, "body", "topic")
    assert texts[1] == "goal in extra time" and labels == ["weather", "sport"]
    with pytest.raises(ValueError, match="text"):
        read_labelled_csv(path, "text", "topic")


def test_own_csv_from_excel_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("text,label\nrain all day,weather\ngoal,sport\n".encode("utf-8-sig"))
    texts, labels = read_labelled_csv(path, "text", "label")
    assert texts == ["rain all day", "goal"] and labels == ["weather", "sport"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("rain all day,weather\ngoal\n", ":3: no value in column 'label'"),
        ("rain all day,weather\n,sport\n", ":3: no value in column 'text'"),
        ("rain, all day,weather\ngoal,sport\n", ":2: more cells than the header has columns"),
    ],
    ids=["no-label", "empty-text", "extra-cell"],  # one word each: `pytest -v` shows them
)
def test_own_csv_rows_with_missing_or_extra_cells_name_their_line(tmp_path, rows, message):
    path = tmp_path / "mine.csv"
    path.write_text("text,label\n" + rows)
    with pytest.raises(ValueError) as raised:
        read_labelled_csv(path, "text", "label")
    assert str(raised.value).startswith(f"{path}{message}")


def test_own_csv_that_is_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\ncaf\u00e9 au lait,drink\ntea,drink\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8") as raised:
        read_labelled_csv(path, "text", "label")
    assert str(raised.value).startswith(str(path))


def test_too_small_a_csv_is_refused_with_its_row_count(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("text,label\ngood,pos\nfine,pos\nbad,neg\nawful,neg\n")
    with pytest.raises(ValueError, match="4 rows"):
        load_splits({**DATA, "source": str(path)}, seed=0)


def test_a_checkpoint_meta_encodes_with_its_own_vocabulary_and_length():
    meta = {"vocabulary": ["<pad>", "<unk>", "not", "good"], "max_len": 5, "num_classes": 2}
    splits = load_splits(DATA, seed=0, meta=meta)
    assert splits.x_test.shape[1] == 5 and splits.x_test.max() <= 3
    assert splits.meta is meta


def test_bag_of_words_ignores_padding():
    features = classical_features(np.array([[2, 2, 3, 0]]), {"vocabulary": ["p", "u", "a", "b"]})
    assert features.tolist() == [[0.0, 0.0, 2.0, 1.0]]


def test_padding_does_not_change_the_prediction():
    model = TransformerClassifier(vocab_size=10, num_classes=2, max_len=8).eval()
    short = torch.tensor([[4, 5, 6, 0, 0, 0]])
    longer = torch.tensor([[4, 5, 6, 0, 0, 0, 0, 0]])
    with torch.no_grad():
        assert torch.allclose(model(short), model(longer), atol=1e-5)


def test_predict_reads_sentences(trained):
    rows = predict(trained, ["the battery is not bad", "i would not recommend it"])
    assert [row["input"] for row in rows] == ["the battery is not bad", "i would not recommend it"]
    assert {row["label"] for row in rows} <= {"negative", "positive"}


def test_a_short_run_learns_and_beats_the_dummy_baseline(tmp_path, make_config):
    config = make_config(tmp_path, *LEARNS)
    history = train(config)["history"]
    assert history[-1]["train_loss"] < 0.5 * history[0]["train_loss"]
    metrics = evaluate(config)
    dummy = metrics["baselines"][DUMMY_NAME]["accuracy"]
    assert metrics["test"]["accuracy"] > dummy + 0.1
