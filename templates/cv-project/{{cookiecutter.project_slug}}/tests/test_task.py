"""The image task: the bundled digits, a folder of the learner's own images, the CNN."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from {{ cookiecutter.package_name }}.data import load_image_folder, read_image
from {{ cookiecutter.package_name }}.evaluate import DUMMY_NAME, evaluate
from {{ cookiecutter.package_name }}.model import SmallCNN
from {{ cookiecutter.package_name }}.predict import predict
from {{ cookiecutter.package_name }}.task import load_splits
from {{ cookiecutter.package_name }}.train import train

DATA = {"source": "digits", "image_size": 28, "val_fraction": 0.15, "test_fraction": 0.2}
# A run short enough for the suite that still learns on every seed tried (0-9): the training
# loss falls to a third or less and the test accuracy reaches 0.78-0.9, where always answering
# the most frequent digit gets 0.1. A model that never learns (no optimizer step) gets neither.
LEARNS = ["train.epochs=8", "data.max_train_samples=384", "train.lr=0.01"]


def test_digits_split_is_stratified_and_fixed_by_the_seed():
    first, second = load_splits(DATA, seed=0), load_splits(DATA, seed=0)
    assert first.x_train.shape[1:] == (1, 8, 8) and first.x_train.dtype == np.float32
    assert len(first.x_train) + len(first.x_val) + len(first.x_test) == 1797
    assert np.array_equal(first.y_test, second.y_test)
    assert len(np.unique(first.y_test)) == 10 == first.meta["num_classes"]


def write_image_folder(root, count=6):
    """Two classes: dark images as .npy arrays, bright ones as PNG files."""
    from PIL import Image

    rng = np.random.default_rng(0)
    (root / "dark").mkdir(parents=True)
    (root / "bright").mkdir()
    for i in range(count):
        np.save(root / "dark" / f"{i}.npy", rng.uniform(0.0, 0.3, size=(12, 12)))
        pixels = rng.integers(180, 255, size=(20, 16), dtype=np.uint8)
        Image.fromarray(pixels).save(root / "bright" / f"{i}.png")
    return root


def test_image_folder_loader_reads_npy_and_png(tmp_path):
    x, y, class_names = load_image_folder(write_image_folder(tmp_path / "images"), image_size=10)
    assert class_names == ["bright", "dark"]
    assert x.shape == (12, 1, 10, 10) and x.min() >= 0.0 and x.max() <= 1.0
    assert x[y == 0].mean() > x[y == 1].mean()
    with pytest.raises(ValueError, match="two class"):
        load_image_folder(tmp_path / "images" / "dark", image_size=10)


def test_image_folder_skips_hidden_folders_and_names_an_empty_class(tmp_path):
    root = write_image_folder(tmp_path / "images")
    (root / ".ipynb_checkpoints").mkdir()  # what Jupyter leaves behind
    (root / "dark" / ".DS_Store").write_bytes(b"\0")
    (root / "bright" / "._0.png").write_bytes(b"\0")  # macOS's shadow files
    x, y, class_names = load_image_folder(root, image_size=10)
    assert class_names == ["bright", "dark"] and len(x) == 12
    (root / "empty").mkdir()
    (root / "empty" / "notes.txt").write_text("to do")
    with pytest.raises(ValueError, match="class folder 'empty' holds no images"):
        load_image_folder(root, image_size=10)


def test_training_runs_on_an_image_folder(tmp_path):
    folder = write_image_folder(tmp_path / "images", count=10)
    splits = load_splits({**DATA, "source": str(folder), "image_size": 16}, seed=0)
    assert splits.x_train.shape[1:] == (1, 16, 16) and splits.class_names == ["bright", "dark"]


@pytest.mark.parametrize("size", [8, 28])
def test_cnn_accepts_any_image_size(size):
    logits = SmallCNN(num_classes=3)(torch.zeros(2, 1, size, size))
    assert logits.shape == (2, 3)


def test_predict_reads_image_files(trained, tmp_path):
    image = load_splits(DATA, seed=0).x_test[0, 0]
    np.save(tmp_path / "digit.npy", image)
    rows = predict(trained, [str(tmp_path / "digit.npy")])
    assert rows[0]["label"] in [str(d) for d in range(10)]
    assert 0.0 < rows[0]["probability"] <= 1.0
    assert read_image(tmp_path / "digit.npy", 8).shape == (1, 8, 8)


def test_a_short_run_learns_and_beats_the_dummy_baseline(tmp_path, make_config):
    config = make_config(tmp_path, *LEARNS)
    history = train(config)["history"]
    assert history[-1]["train_loss"] < 0.5 * history[0]["train_loss"]
    metrics = evaluate(config)
    dummy = metrics["baselines"][DUMMY_NAME]["accuracy"]
    assert metrics["test"]["accuracy"] > dummy + 0.5
