"""Shapes on a grid, for the cnn module's translation-invariance check.

Four 5x5 shapes (plus, X, L, T), each drawn with exactly 9 pixels, so nothing that looks at
single pixels (a 1x1 receptive field) can tell them apart. ``make_shapes`` stamps one shape per
image at a random place in the left or the right half of a 16x32 canvas, plus a little noise.
"""

from __future__ import annotations

import numpy as np

HEIGHT, WIDTH, SIZE = 16, 32, 5
NAMES = ("plus", "x", "L", "T")


def patterns() -> np.ndarray:
    """(4, 5, 5) binary masks, 9 pixels each."""
    p = np.zeros((len(NAMES), SIZE, SIZE), dtype=np.float32)
    mid = SIZE // 2
    p[0, mid, :] = p[0, :, mid] = 1                      # plus
    p[1] = np.eye(SIZE) + np.fliplr(np.eye(SIZE))        # X: two diagonals
    p[1, mid, mid] = 1
    p[2, :, 0] = p[2, -1, :] = 1                         # L
    p[3, 0, :] = p[3, :, mid] = 1                        # T
    return p


def make_shapes(n: int, half: str, rng: np.random.Generator, noise: float = 0.05,
                height: int = HEIGHT, width: int = WIDTH) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (n, 1, height, width) float32 and labels (n,) int64; every shape lies wholly
    inside the ``half`` ("left" or "right") of the canvas."""
    masks = patterns()
    labels = rng.integers(0, len(NAMES), size=n)
    rows = rng.integers(0, height - SIZE + 1, size=n)
    half_width = width // 2
    cols = rng.integers(0, half_width - SIZE + 1, size=n) + (half_width if half == "right" else 0)
    images = np.zeros((n, 1, height, width), dtype=np.float32)
    for i in range(n):
        images[i, 0, rows[i]:rows[i] + SIZE, cols[i]:cols[i] + SIZE] = masks[labels[i]]
    images += noise * rng.standard_normal(images.shape).astype(np.float32)
    return images, labels.astype(np.int64)


def place(label: int, row: int, col: int, height: int, width: int) -> np.ndarray:
    """One noiseless image (1, height, width) with shape ``label`` at (row, col)."""
    image = np.zeros((1, height, width), dtype=np.float32)
    image[0, row:row + SIZE, col:col + SIZE] = patterns()[label]
    return image
