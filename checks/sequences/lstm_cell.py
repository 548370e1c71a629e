"""Check for `lstm_cell`: a hand-written LSTM cell laid out like ``torch.nn.LSTMCell``.

Layers: contract (class, parameter names and shapes, no built-in LSTM), values (float64 against
``nn.LSTMCell`` with copied weights, a default state, a batch of one, saturated gates, a 6-step
unroll against ``nn.LSTM``), gradients (autograd through 3 unrolled steps against the built-in
cell's), probes (the default initialisation breaks symmetry within PyTorch's bound).
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Callable
from typing import Any

from checklib import (
    CheckContext,
    Fingerprint,
    assert_close,
    assert_gradient_close,
    require_callable,
)
from checklib.threads import one_cpu_thread

PARAMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
GATE_NAMES = {"i": "input", "f": "forget", "g": "candidate", "o": "output"}
BUILTINS = {"LSTMCell", "LSTM", "lstm_cell", "_VF", "GRUCell", "RNNCell"}


def _forbid_builtin_lstm(ctx: CheckContext) -> None:
    """The learner writes the cell: no nn.LSTMCell, nn.LSTM or torch's lstm_cell kernel."""
    try:
        tree = ast.parse(ctx.learner_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        used = None
        if isinstance(node, ast.Attribute) and node.attr in BUILTINS:
            used = node.attr
        elif isinstance(node, ast.ImportFrom):
            used = next((a.name for a in node.names if a.name in BUILTINS), None)
        if used:
            ctx.fail(f"your file uses PyTorch's own `{used}` (line {node.lineno}); this exercise "
                     "asks you to write the cell's arithmetic yourself", "contract")


def cell_math(x: Any, h: Any, c: Any, p: dict[str, Any], *, order: str = "ifgo",
              gate: Callable | None = None, cand: Callable | None = None,
              out: Callable | None = None, bias: tuple[bool, bool] = (True, True),
              prev: str = "c", h_from_new: bool = True) -> tuple[Any, Any]:
    """The LSTM step, with switches that reproduce the bugs learners make."""
    import torch

    gate = gate or torch.sigmoid
    cand = cand or torch.tanh
    out = out or torch.tanh
    z = x @ p["weight_ih"].T + h @ p["weight_hh"].T  # (N, 4H)
    if bias[0]:
        z = z + p["bias_ih"]
    if bias[1]:
        z = z + p["bias_hh"]
    roles = dict(zip(order, z.chunk(4, dim=1), strict=True))  # each (N, H)
    i, f, o, g = gate(roles["i"]), gate(roles["f"]), gate(roles["o"]), cand(roles["g"])
    c_next = f * (c if prev == "c" else h) + i * g  # (N, H)
    h_next = o * out(c_next if h_from_new else c)  # (N, H)
    return h_next, c_next


def _bug_variants() -> list[tuple[dict[str, Any], str]]:
    import torch

    bugs: list[tuple[dict[str, Any], str]] = []
    for perm in itertools.permutations("ifgo"):
        order = "".join(perm)
        if order != "ifgo":
            said = ", ".join(f"{k} ({GATE_NAMES[k]})" for k in order)
            bugs.append(({"order": order},
                         f"your gates are read from the stacked rows in the order {said}; "
                         "PyTorch stacks them as i, f, g, o (input, forget, candidate, output): "
                         "chunk the (N, 4H) pre-activations in that order"))
    bugs += [
        ({"gate": torch.tanh, "cand": torch.sigmoid},
         "tanh and sigmoid are swapped: the gates i, f, o take sigmoid (values in (0, 1), a "
         "fraction to let through) and the candidate g takes tanh (values in (-1, 1))"),
        ({"gate": torch.tanh},
         "your gates i, f, o use tanh; a gate is a fraction in (0, 1): use sigmoid for them"),
        ({"cand": torch.sigmoid},
         "your candidate g uses sigmoid; it is the new content, in (-1, 1): use tanh for g"),
        ({"prev": "h"},
         "your cell state update uses h where it needs c: c' = f * c + i * g (the forget gate "
         "scales the previous CELL state)"),
        ({"bias": (False, False)},
         "your cell ignores the biases: add bias_ih and bias_hh to the pre-activations"),
        ({"bias": (True, False)},
         "your cell adds bias_ih but not bias_hh: PyTorch has both, and adds both"),
        ({"bias": (False, True)},
         "your cell adds bias_hh but not bias_ih: PyTorch has both, and adds both"),
        ({"out": lambda v: v},
         "your h' is o * c'; it should be o * tanh(c'), which keeps h in (-1, 1)"),
        ({"out": torch.sigmoid},
         "your h' uses sigmoid(c'); it should be o * tanh(c')"),
        ({"h_from_new": False},
         "your h' is computed from the old cell state; use the new one: h' = o * tanh(c')"),
    ]
    return bugs


def _contract(ctx: CheckContext, cls: Any) -> None:
    import torch
    from torch import nn

    cell = cls(3, 5)
    if not isinstance(cell, nn.Module):
        ctx.fail("`LSTMCell(3, 5)` should be an nn.Module (subclass nn.Module and call "
                 "super().__init__())")
    registered = dict(cell.named_parameters())
    expected = {"weight_ih": (20, 3), "weight_hh": (20, 5), "bias_ih": (20,), "bias_hh": (20,)}
    for name, shape in expected.items():
        if name not in registered:
            ctx.fail(f"`LSTMCell(3, 5)` has no parameter `{name}`: create it as an nn.Parameter "
                     "attribute with that exact name, so optimizers and state dicts see it")
        got = tuple(registered[name].shape)
        if got != shape:
            extra = ""
            if got == shape[::-1]:
                extra = " (PyTorch keeps it as (4*hidden_size, in_features) and computes x @ W.T)"
            ctx.fail(f"`{name}` of LSTMCell(3, 5) has shape {got}, expected {shape}{extra}")
    x = torch.randn(2, 3)  # (N, D) float32
    result = cell(x)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        ctx.fail("`forward` should return a tuple (h_next, c_next)")
    for what, value in zip(("h_next", "c_next"), result, strict=True):
        if not isinstance(value, torch.Tensor):
            ctx.fail(f"{what} should be a tensor, got {type(value).__name__}")
        if tuple(value.shape) != (2, 5):
            ctx.fail(f"{what} has shape {tuple(value.shape)} for x of shape (2, 3) and "
                     "hidden_size 5; expected (2, 5) = (N, H)")
        if value.dtype != torch.float32:
            ctx.fail(f"{what} is {value.dtype} for a float32 input; keep x's dtype (build the "
                     "default zero state with x.new_zeros or dtype=x.dtype)")


def _paired(cls: Any, d: int, h: int) -> tuple[Any, Any, dict[str, Any]]:
    """The learner's cell and nn.LSTMCell in float64 with the same weights."""
    import torch
    from torch import nn

    ref = nn.LSTMCell(d, h).double()
    mine = cls(d, h).double()
    with torch.no_grad():
        for name in PARAMS:
            getattr(mine, name).copy_(getattr(ref, name))
    return mine, ref, {name: getattr(ref, name).detach() for name in PARAMS}


def _values(ctx: CheckContext, cls: Any) -> None:
    import torch
    from torch import nn

    ctx.layer("values")
    gen = torch.Generator().manual_seed(ctx.seed)
    mine, ref, params = _paired(cls, 3, 5)
    bugs = _bug_variants()

    def compare(x: Any, state: Any, label: str) -> None:
        with torch.no_grad():
            h_got, c_got = mine(x, state)
            h_exp, c_exp = ref(x, state)
            full = state if state is not None else (torch.zeros_like(h_exp),) * 2
            wrong = [(cell_math(x, *full, params, **kw), msg) for kw, msg in bugs]
        assert_close(c_got, c_exp, "c_next", inputs=label,
                     fingerprints=[Fingerprint(v[1], m) for v, m in wrong])
        assert_close(h_got, h_exp, "h_next", inputs=label,
                     fingerprints=[Fingerprint(v[0], m) for v, m in wrong])

    x = torch.randn(4, 3, generator=gen, dtype=torch.float64)  # (N, D)
    h = torch.tanh(torch.randn(4, 5, generator=gen, dtype=torch.float64))  # (N, H)
    c = torch.randn(4, 5, generator=gen, dtype=torch.float64)  # (N, H)
    compare(x, (h, c), "on a random batch of 4")
    compare(x[:1], None, "on a batch of one with state=None (zeros)")
    compare(40 * x, (h, 10 * c), "with saturated gates (inputs scaled by 40)")

    steps = torch.randn(6, 2, 3, generator=gen, dtype=torch.float64)  # (T, N, D)
    lstm = nn.LSTM(3, 5).double()
    with torch.no_grad():
        for name in PARAMS:
            getattr(lstm, f"{name}_l0").copy_(params[name])
        expected, _ = lstm(steps)  # (T, N, H)
        state = None
        outputs = []
        for t in range(steps.shape[0]):
            state = mine(steps[t], state)  # (N, H) each
            outputs.append(state[0])
        got = torch.stack(outputs)  # (T, N, H)
    assert_close(got, expected, "h over 6 steps", inputs="unrolled against nn.LSTM")


def _gradients(ctx: CheckContext, cls: Any) -> None:
    import torch

    ctx.layer("gradients")
    gen = torch.Generator().manual_seed(ctx.seed + 1)
    mine, ref, _ = _paired(cls, 3, 4)
    xs = torch.randn(3, 2, 3, generator=gen, dtype=torch.float64)  # (T, N, D)
    h0 = torch.tanh(torch.randn(2, 4, generator=gen, dtype=torch.float64))  # (N, H)
    c0 = torch.randn(2, 4, generator=gen, dtype=torch.float64)  # (N, H)
    w_h, w_c = torch.randn(2, 2, 4, generator=gen, dtype=torch.float64)  # (N, H) each

    def run(cell: Any) -> dict[str, Any]:
        inputs = [t.clone().requires_grad_(True) for t in (xs, h0, c0)]
        h, c = inputs[1], inputs[2]
        for t in range(xs.shape[0]):
            h, c = cell(inputs[0][t], (h, c))  # (N, H) each
        loss = (h * w_h).sum() + (c * w_c).sum()
        if not loss.requires_grad:
            ctx.fail("your cell's output carries no gradient: build it from torch operations on "
                     "the parameters (no NumPy, .item(), .detach() or torch.no_grad() inside)")
        cell.zero_grad(set_to_none=True)
        loss.backward()
        grads = dict(zip(("x", "h0", "c0"), (t.grad for t in inputs), strict=True))
        grads.update({name: getattr(cell, name).grad for name in PARAMS})
        return grads

    expected = run(ref)
    got = run(mine)
    for name in ("c0", "h0"):
        if got[name] is None or not bool(got[name].abs().max() > 0):
            state = "cell state c" if name == "c0" else "hidden state h"
            ctx.fail(f"no gradient flows back through the {state} across time steps: something "
                     "in your forward cuts the graph (.detach(), .data, torch.no_grad() or a "
                     "NumPy round trip); backpropagation through time needs that path")
    for name, value in expected.items():
        if got[name] is None:
            ctx.fail(f"`{name}` gets no gradient from your cell: is it used in forward, and "
                     "without .data or .detach()?")
        assert_gradient_close(got[name], value, f"the gradient of the loss with respect to "
                              f"`{name}` (3 unrolled steps)")


def _probes(ctx: CheckContext, cls: Any) -> None:
    import torch

    ctx.layer("probes")
    hidden = 20
    bound = 1.0 / math.sqrt(hidden)
    cell = cls(10, hidden)
    for name in ("weight_ih", "weight_hh"):
        w = getattr(cell, name).detach().double()
        if not bool(torch.isfinite(w).all()):
            ctx.fail(f"`{name}` starts with NaN or infinite values: initialise it (torch.empty "
                     "leaves whatever was in memory)")
        if float(w.std()) == 0.0:
            ctx.fail(f"every entry of `{name}` starts at the same value ({float(w[0, 0]):.3g}): "
                     "all hidden units then compute the same thing and get the same gradient, "
                     "so they never become different. Initialise from U(-k, k), "
                     "k = 1/sqrt(hidden_size)")
        largest = float(w.abs().max())
        if largest > bound * (1 + 1e-6):
            ctx.fail(f"`{name}` of LSTMCell(10, 20) starts with values up to {largest:.3f}, "
                     f"beyond k = 1/sqrt(hidden_size) = {bound:.3f}: initialise from U(-k, k) "
                     "as PyTorch does (large weights saturate the gates from the start)")
        if float(w.std()) < 0.25 * bound:
            ctx.fail(f"`{name}` of LSTMCell(10, 20) starts with a spread of only "
                     f"{float(w.std()):.4f}; U(-k, k) with k = {bound:.3f} has about "
                     f"{bound / math.sqrt(3):.3f}: initialise from U(-k, k)")


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    cls = require_callable(ctx.learner, "LSTMCell")
    _forbid_builtin_lstm(ctx)
    with one_cpu_thread(ctx):
        _contract(ctx, cls)
        _values(ctx, cls)
        _gradients(ctx, cls)
        _probes(ctx, cls)
