"""BUG: all the padding goes at the bottom and right.

Every array is NCHW: (batch N, channels C, height H, width W). The loops run over the kernel
offsets (KH * KW of them), never over the batch or the output pixels: each offset contributes one
strided slice of the padded input, multiplied by one column of weights for the whole batch.
"""

from __future__ import annotations

import numpy as np


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Number of positions a kernel takes along one axis: floor((size + 2p - k) / s) + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def _pad(x: np.ndarray, padding: int) -> np.ndarray:
    """Zero-pad height and width on every side: (N, C, H, W) -> (N, C, H+2p, W+2p)."""
    p = padding
    return np.pad(x, ((0, 0), (0, 0), (0, 2 * p), (0, 2 * p)))


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """Cross-correlation, as nn.Conv2d computes it.

    out[n, f, i, j] = b[f] + sum_{c, u, v} w[f, c, u, v] * xpad[n, c, i*s + u, j*s + v]
    x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H_out, W_out).
    """
    n, _, h, wd = x.shape
    f, _, kh, kw = w.shape
    h_out = conv_output_size(h, kh, stride, padding)
    w_out = conv_output_size(wd, kw, stride, padding)
    xp = _pad(x, padding)  # (N, C, H+2p, W+2p)
    out = np.zeros((n, f, h_out, w_out), dtype=np.result_type(x, w))
    for u in range(kh):
        for v in range(kw):
            # every output pixel's input at kernel offset (u, v), for the whole batch at once
            rows = slice(u, u + stride * h_out, stride)
            cols = slice(v, v + stride * w_out, stride)
            patch = xp[:, :, rows, cols]  # (N, C, Ho, Wo)
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, u, v])  # (N, F, Ho, Wo)
    return out + b[None, :, None, None]  # (N, F, Ho, Wo)


def conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, b: np.ndarray,
                    stride: int = 1, padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a scalar loss L with respect to x, w and b, given dout = dL/dout.

    dout (N, F, H_out, W_out) -> dx (N, C, H, W), dw (F, C, KH, KW), db (F,).
    """
    _, _, h, wd = x.shape
    _, _, kh, kw = w.shape
    h_out, w_out = dout.shape[2], dout.shape[3]
    xp = _pad(x, padding)  # (N, C, H+2p, W+2p)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for u in range(kh):
        for v in range(kw):
            rows = slice(u, u + stride * h_out, stride)
            cols = slice(v, v + stride * w_out, stride)
            patch = xp[:, :, rows, cols]  # (N, C, Ho, Wo)
            dw[:, :, u, v] = np.einsum("nfhw,nchw->fc", dout, patch)  # (F, C)
            # += : with stride < kernel, one input pixel feeds several outputs
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, u, v])
    dx = dxp[:, :, padding:padding + h, padding:padding + wd]  # crop the padding: (N, C, H, W)
    db = dout.sum(axis=(0, 2, 3))  # (F,)
    return dx, dw, db


def max_pool2d(x: np.ndarray, kernel: int = 2, stride: int | None = None) -> np.ndarray:
    """Max over each kernel x kernel window; stride defaults to kernel. No padding; a partial
    window at the bottom or right edge is dropped. (N, C, H, W) -> (N, C, H_out, W_out)."""
    s = kernel if stride is None else stride
    h_out = conv_output_size(x.shape[2], kernel, s)
    w_out = conv_output_size(x.shape[3], kernel, s)
    out = np.full(x.shape[:2] + (h_out, w_out), -np.inf, dtype=x.dtype)
    for u in range(kernel):
        for v in range(kernel):
            window_entry = x[:, :, u:u + s * h_out:s, v:v + s * w_out:s]  # (N, C, Ho, Wo)
            out = np.maximum(out, window_entry)
    return out


def max_pool2d_backward(dout: np.ndarray, x: np.ndarray, kernel: int = 2,
                        stride: int | None = None) -> np.ndarray:
    """dL/dx of max-pooling: each window's gradient goes to the one element that was its max
    (the first one in row-major order on a tie), and is added where windows overlap.
    dout (N, C, H_out, W_out) -> dx (N, C, H, W)."""
    s = kernel if stride is None else stride
    h_out, w_out = dout.shape[2], dout.shape[3]
    best = np.full(dout.shape, -np.inf, dtype=x.dtype)  # (N, C, Ho, Wo)
    arg_u = np.zeros(dout.shape, dtype=int)
    arg_v = np.zeros(dout.shape, dtype=int)
    for u in range(kernel):
        for v in range(kernel):
            entry = x[:, :, u:u + s * h_out:s, v:v + s * w_out:s]  # (N, C, Ho, Wo)
            better = entry > best  # strict: the first max wins a tie, as in PyTorch
            best = np.where(better, entry, best)
            arg_u = np.where(better, u, arg_u)
            arg_v = np.where(better, v, arg_v)
    dx = np.zeros_like(x, dtype=np.result_type(x, dout))
    for u in range(kernel):
        for v in range(kernel):
            winner = (arg_u == u) & (arg_v == v)  # (N, C, Ho, Wo)
            dx[:, :, u:u + s * h_out:s, v:v + s * w_out:s] += np.where(winner, dout, 0.0)
    return dx
