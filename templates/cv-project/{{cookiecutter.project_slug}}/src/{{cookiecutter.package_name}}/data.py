"""Images: scikit-learn's bundled digits, or the learner's own folder of images.

A folder holds one sub-folder per class, named after it:

    my_images/cat/001.png   my_images/cat/002.npy   my_images/dog/001.jpg ...

PNG, JPEG and BMP files are read with Pillow (which matplotlib already installs); ``.npy`` files
hold one 2-D array each and need nothing extra. Every image becomes a grayscale
``image_size x image_size`` array of floats in [0, 1].
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
ARRAY_SUFFIX = ".npy"


def load_digits_arrays() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The 1,797 8x8 handwritten digits shipped inside scikit-learn: no download."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8), pixels were 0..16
    return x, digits.target.astype(np.int64), [str(name) for name in digits.target_names]


def read_image(path: Path, image_size: int) -> np.ndarray:
    """One image file as a ``(1, image_size, image_size)`` float32 array in [0, 1]."""
    path = Path(path)
    if path.suffix.lower() == ARRAY_SUFFIX:
        array = np.load(path).astype(np.float32)
        if array.ndim == 3:  # (H, W, channels): average the channels to gray
            array = array.mean(axis=2)
        if array.ndim != 2:
            raise ValueError(f"{path}: expected a 2-D array, got shape {array.shape}")
        if array.max() > 1.0:
            array = array / 255.0
        if array.shape != (image_size, image_size):
            array = _resize(array, image_size)
        return array[None]
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"{path}: not an image ({', '.join(IMAGE_SUFFIXES + (ARRAY_SUFFIX,))})")
    from PIL import Image

    with Image.open(path) as image:
        gray = image.convert("L").resize((image_size, image_size), Image.Resampling.BILINEAR)
        return (np.asarray(gray, dtype=np.float32) / 255.0)[None]


def _resize(array: np.ndarray, image_size: int) -> np.ndarray:
    """Nearest-neighbour resize of a 2-D array, with NumPy alone."""
    rows = np.linspace(0, array.shape[0] - 1, image_size).round().astype(int)
    cols = np.linspace(0, array.shape[1] - 1, image_size).round().astype(int)
    return array[np.ix_(rows, cols)]


def image_files(folder: Path) -> list[Path]:
    """The images in ``folder``, by name; hidden files (``.DS_Store``, ``._x.png``) are not."""
    suffixes = IMAGE_SUFFIXES + (ARRAY_SUFFIX,)
    return [
        path
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in suffixes and not path.name.startswith(".") and path.is_file()
    ]


def load_image_folder(root: Path, image_size: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every image under ``root/<class name>/``, with labels numbered in class-name order.

    Hidden folders (``.ipynb_checkpoints``, ``.git``) are not classes; a class folder with no
    image in it is an error, named, rather than a class the model can never predict.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder of class sub-folders")
    class_names = sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    if len(class_names) < 2:
        raise ValueError(f"{root} needs at least two class sub-folders holding images")
    images, labels = [], []
    for label, name in enumerate(class_names):
        files = image_files(root / name)
        if not files:
            kinds = ", ".join(IMAGE_SUFFIXES + (ARRAY_SUFFIX,))
            raise ValueError(
                f"{root / name}: class folder {name!r} holds no images ({kinds}): "
                "add some or move the folder out"
            )
        images += [read_image(path, image_size) for path in files]
        labels += [label] * len(files)
    return np.stack(images), np.asarray(labels, dtype=np.int64), class_names
