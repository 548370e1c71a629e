"""Convolution and max-pooling, forward and backward, in NumPy.

Every array is NCHW: (batch N, channels C, height H, width W). Use NumPy only: no torch, no
scipy. Loops are allowed; a loop over the kernel offsets (KH * KW iterations) with a strided
slice of the whole batch inside is fast and clear.
"""

from __future__ import annotations

import numpy as np


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Number of positions a kernel takes along one axis of length ``size``.

    floor((size + 2 * padding - kernel) / stride) + 1, as an int.
    """
    # TODO: one line of integer arithmetic
    raise NotImplementedError("conv_output_size")


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """Cross-correlation, as nn.Conv2d computes it (the kernel is NOT flipped).

    out[n, f, i, j] = b[f] + sum_{c, u, v} w[f, c, u, v] * xpad[n, c, i*stride + u, j*stride + v]
    where xpad is x with ``padding`` zeros added on all four sides.
    x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H_out, W_out).
    """
    # TODO: pad, then for each kernel offset (u, v) add the contribution of a strided slice
    raise NotImplementedError("conv2d")


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                    stride: int = 1, padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a scalar loss L, given dout = dL/dout of conv2d(x, w, b, stride, padding).

    dw[f, c, u, v] = sum_{n, i, j} dout[n, f, i, j] * xpad[n, c, i*stride + u, j*stride + v]
    dxpad[n, c, i*stride + u, j*stride + v] += sum_f dout[n, f, i, j] * w[f, c, u, v]
    db[f] = sum_{n, i, j} dout[n, f, i, j]
    dout (N, F, H_out, W_out) -> (dx (N, C, H, W), dw (F, C, KH, KW), db (F,)).
    """
    # TODO: mirror conv2d's loop; crop the padding off dx at the end
    raise NotImplementedError("conv2d_backward")


def max_pool2d(x: np.ndarray, kernel: int = 2, stride: int | None = None) -> np.ndarray:
    """Max over each kernel x kernel window, moved by ``stride`` (default: kernel).

    No padding; a partial window at the bottom or right edge is dropped, as in F.max_pool2d.
    (N, C, H, W) -> (N, C, H_out, W_out).
    """
    # TODO
    raise NotImplementedError("max_pool2d")


def max_pool2d_backward(dout: np.ndarray, x: np.ndarray, kernel: int = 2,
                        stride: int | None = None) -> np.ndarray:
    """dL/dx of max_pool2d(x, kernel, stride), given dout = dL/dout.

    Each window's dout goes to the single element that was its maximum (on a tie, the first
    in row-major order, as PyTorch does); gradients add up where windows overlap.
    dout (N, C, H_out, W_out) -> dx (N, C, H, W).
    """
    # TODO
    raise NotImplementedError("max_pool2d_backward")
