"""One update step of SGD with momentum, Adam and AdamW, on NumPy arrays (PyTorch's conventions).

Each function is pure: it takes the parameter, its gradient and the optimizer's state, and returns
the new parameter and the new state. The caller keeps the state between steps and passes it back
in; the state starts at zeros. Do not modify `grad` in place.
"""

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
    # TODO: three lines of NumPy
    raise NotImplementedError("sgd_momentum_step")


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
    # TODO: update the two moments, correct their bias, then step
    raise NotImplementedError("adam_step")


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
    then the Adam update above, with no weight decay in the gradient.
    Returns (new_param, new_m, new_v).
    """
    # TODO: decay the parameter, then reuse adam_step
    raise NotImplementedError("adamw_step")
