"""The text task: the shipped reviews, the learner's own CSV, tokens, the Transformer."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from {{ cookiecutter.package_name }}.data import build_vocabulary, encode, read_labelled_csv
from {{ cookiecutter.package_name }}.model import TransformerClassifier
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.task import classical_features, load_splits

DATA = {
    "source": "data/reviews.csv",
    "text_column": "text",
    "label_column": "label",
    "max_len": 24,
    "val_fraction": 0.15,
    "test_fraction": 0.2,
}


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
