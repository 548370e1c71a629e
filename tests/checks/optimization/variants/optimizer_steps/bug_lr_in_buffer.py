"""BUG: the other momentum convention: lr inside the buffer."""

from __future__ import annotations

import numpy as np


def sgd_momentum_step(
    param: np.ndarray,
    grad: np.ndarray,
    buf: np.ndarray,
    *,
    lr: float,
    momentum: float,
    weight_decay: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """SGD with momentum as torch.optim.SGD does it (no dampening, no Nesterov).

    g = grad + weight_decay * param          (L2 penalty folded into the gradient)
    buf = momentum * buf + g                 (buf starts at zeros; lr is NOT inside it)
    param = param - lr * buf
    Returns (new_param, new_buf).
    """
    g = grad + weight_decay * param
    new_buf = momentum * buf + lr * g
    new_param = param - new_buf
    return new_param, new_buf


def adam_step(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    *,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam as torch.optim.Adam does it; ``t`` is the step number, starting at 1.

    g = grad + weight_decay * param          (Adam's weight decay is an L2 penalty)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t);  v_hat = v / (1 - beta2**t)
    param = param - lr * m_hat / (sqrt(v_hat) + eps)
    Returns (new_param, new_m, new_v).
    """
    g = grad + weight_decay * param
    new_m = beta1 * m + (1 - beta1) * g
    new_v = beta2 * v + (1 - beta2) * g * g
    m_hat = new_m / (1 - beta1**t)
    v_hat = new_v / (1 - beta2**t)
    new_param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new_param, new_m, new_v


def adamw_step(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    *,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.01,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AdamW as torch.optim.AdamW does it: decoupled weight decay, then a plain Adam step.

    param = param * (1 - lr * weight_decay)  (the decay never enters m or v)
    then the Adam update above with weight_decay = 0.
    Returns (new_param, new_m, new_v).
    """
    decayed = param * (1 - lr * weight_decay)
    return adam_step(decayed, grad, m, v, t, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
