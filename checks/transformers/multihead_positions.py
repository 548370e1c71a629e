"""Check `MultiHeadAttention` and `sinusoidal_positions`.

Layers: contract (the four projections, shapes, no library attention), values (the module
against nn.MultiheadAttention with the learner's weights copied in, float64; the positional
table against the formula; known wrong variants are computed too and named), gradients of every
projection against the oracle's, and the causal probe on ``ctx.torch_device()``.
"""

from __future__ import annotations

import math

from checklib import CheckContext, CheckFailure, Fingerprint, assert_close, require_callable
from checklib.gradients import assert_gradient_close
from checklib.probes import causal_probe
from checklib.threads import one_cpu_thread
from checklib.transformers_contract import forbid_library, require_signature, require_tensor

FORBIDDEN = ("scaled_dot_product_attention", "MultiheadAttention")
PROJECTIONS = ("q_proj", "k_proj", "v_proj", "out_proj")


def _weights(module) -> dict:
    return {name: (getattr(module, name).weight.detach(), getattr(module, name).bias.detach())
            for name in PROJECTIONS}


def _mha(x, w, n_heads, causal, *, split="heads", merge="heads", project=True, scale="head"):
    """Multi-head attention written out by hand; each keyword switches on one known bug."""
    import torch

    B, T, D = x.shape
    Dh = D // n_heads

    def lin(name, t):
        weight, bias = w[name]
        return t @ weight.T + bias  # (B, T, D)

    def heads(t):
        if split == "view":  # (B, T, D) read as (B, H, T, Dh): tokens and heads scrambled
            return t.reshape(B, n_heads, T, Dh)
        if split == "one":  # a single head of size D
            return t.unsqueeze(1)  # (B, 1, T, D)
        return t.reshape(B, T, n_heads, Dh).transpose(1, 2)  # (B, H, T, Dh)

    q, k, v = heads(lin("q_proj", x)), heads(lin("k_proj", x)), heads(lin("v_proj", x))
    divisor = {"head": math.sqrt(Dh), "model": math.sqrt(D), "none": 1.0}[scale]
    scores = q @ k.transpose(-2, -1) / divisor  # (B, H, T, T)
    if causal:
        future = torch.ones(T, T, dtype=torch.bool).triu(1)  # (T, T)
        scores = scores.masked_fill(future, float("-inf"))
    out = torch.softmax(scores, dim=-1) @ v  # (B, H, T, Dh)
    if merge == "view" or split == "one":
        merged = out.reshape(B, T, D)  # without moving the head axis back next to Dh
    else:
        merged = out.transpose(1, 2).reshape(B, T, D)  # (B, T, D)
    return lin("out_proj", merged) if project else merged


def _oracle(x, w, n_heads, causal):
    """nn.MultiheadAttention in float64 with the learner's weights copied in."""
    import torch
    from torch import nn

    D = x.shape[-1]
    ref = nn.MultiheadAttention(D, n_heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.cat([w[n][0] for n in PROJECTIONS[:3]]))  # (3D, D)
        ref.in_proj_bias.copy_(torch.cat([w[n][1] for n in PROJECTIONS[:3]]))  # (3D,)
        ref.out_proj.weight.copy_(w["out_proj"][0])
        ref.out_proj.bias.copy_(w["out_proj"][1])
    T = x.shape[1]
    mask = torch.ones(T, T, dtype=torch.bool).triu(1) if causal else None  # True = hidden
    out, _ = ref(x, x, x, attn_mask=mask, need_weights=False)  # (B, T, D)
    return ref, out


def _build(cls, d_model: int, n_heads: int, gen):
    """The learner's module in float64, with larger random weights than nn.Linear's init."""
    import torch
    from torch import nn

    module = cls(d_model, n_heads)
    if not isinstance(module, nn.Module):
        raise CheckFailure("`MultiHeadAttention` should subclass nn.Module", "contract")
    require_signature(module.forward, "`MultiHeadAttention.forward`", "(x, causal=False)", 1,
                      causal=True)
    for name in PROJECTIONS:
        layer = getattr(module, name, None)
        if not isinstance(layer, nn.Linear) or layer.bias is None or tuple(
                layer.weight.shape) != (d_model, d_model):
            raise CheckFailure(
                f"`MultiHeadAttention({d_model}, {n_heads})` should keep `self.{name}` as "
                f"nn.Linear({d_model}, {d_model}) with a bias, as in the stub", "contract")
    module = module.double()
    with torch.no_grad():
        for name in PROJECTIONS:
            layer = getattr(module, name)
            layer.weight.copy_(torch.randn(d_model, d_model, generator=gen,
                                           dtype=torch.float64) * 0.5)
            layer.bias.copy_(torch.randn(d_model, generator=gen, dtype=torch.float64) * 0.1)
    return module


def _check_module_values(cls, gen) -> None:
    import torch

    for B, T, D, H, causal in ((3, 6, 16, 4, False), (2, 5, 12, 3, True)):
        module = _build(cls, D, H, gen)
        w = _weights(module)
        x = torch.randn(B, T, D, generator=gen, dtype=torch.float64)  # (B, T, D)
        _, expected = _oracle(x, w, H, causal)
        got = require_tensor(module(x, causal=True) if causal else module(x),
                             "your module's output")
        inputs = f"on x ({B}, {T}, {D}) with {H} heads, causal={causal}"
        fingerprints = [
            *(Fingerprint(_mha(x, w, H, causal, split="view", merge=merge),
                          "your heads are split with a bare view(B, H, T, Dh): that scrambles "
                          "tokens and heads. View as (B, T, H, Dh), then transpose(1, 2) to "
                          "(B, H, T, Dh) (and transpose back before merging)")
              for merge in ("view", "heads")),
            Fingerprint(_mha(x, w, H, causal, merge="view"),
                        "your heads are merged without moving the head axis back: transpose "
                        "(B, H, T, Dh) to (B, T, H, Dh) before reshaping to (B, T, D)"),
            Fingerprint(_mha(x, w, H, causal, project=False),
                        "your module has no output projection: apply self.out_proj to the "
                        "merged heads"),
            Fingerprint(_mha(x, w, H, causal, scale="model"),
                        "your scores are scaled by 1/sqrt(d_model); each head has dimension "
                        "Dh = d_model // n_heads, so scale by 1/sqrt(Dh)"),
            Fingerprint(_mha(x, w, H, causal, scale="none"),
                        "your scores are not scaled: divide q k^T by sqrt(Dh) in every head"),
            Fingerprint(_mha(x, w, H, causal, split="one", scale="head"),
                        "your module runs one attention over all d_model features instead of "
                        "n_heads separate ones: split q, k and v into heads"),
            Fingerprint(_mha(x, w, H, causal, split="one", scale="model"),
                        "your module runs one attention over all d_model features instead of "
                        "n_heads separate ones: split q, k and v into heads"),
        ]
        if causal:
            fingerprints.append(Fingerprint(
                _mha(x, w, H, False),
                "with causal=True your module still sees the future: mask the keys j > i"))
        if tuple(got.shape) != (B, T, D):
            raise CheckFailure(f"{inputs} your module returned shape {tuple(got.shape)}; "
                               f"expected {(B, T, D)}", "contract")
        assert_close(got, expected, "the output", fingerprints=fingerprints, inputs=inputs)


def _check_module_gradients(cls, gen) -> None:
    import torch

    B, T, D, H = 2, 5, 8, 2
    module = _build(cls, D, H, gen)
    w = _weights(module)
    x = torch.randn(B, T, D, generator=gen, dtype=torch.float64)  # (B, T, D)
    weight = torch.randn(B, T, D, generator=gen, dtype=torch.float64)  # (B, T, D)
    xa, xb = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    require_tensor(module(xa, causal=True), "your module's output").mul(weight).sum().backward()
    ref, out = _oracle(xb, w, H, True)
    (out * weight).sum().backward()
    assert_gradient_close(xa.grad, xb.grad, "the gradient of the input x")
    for index, name in enumerate(PROJECTIONS[:3]):
        rows = slice(index * D, (index + 1) * D)
        layer = getattr(module, name)
        assert_gradient_close(layer.weight.grad, ref.in_proj_weight.grad[rows],
                              f"the gradient of {name}.weight")
        if name != "k_proj":  # the key bias shifts a whole row of scores: its gradient is 0
            assert_gradient_close(layer.bias.grad, ref.in_proj_bias.grad[rows],
                                  f"the gradient of {name}.bias")
    assert_gradient_close(module.out_proj.weight.grad, ref.out_proj.weight.grad,
                          "the gradient of out_proj.weight")


def _formula(max_len: int, d_model: int, *, layout="interleaved", exponent="pairs",
             swap=False, invert=False):
    """The positional table from its definition (NumPy, float64), or a known wrong variant."""
    import numpy as np

    p = np.arange(max_len, dtype=np.float64)[:, None]  # (L, 1)
    if exponent == "column":  # column j uses 10000^(j/d), so a pair's sin and cos disagree
        cols = np.arange(d_model, dtype=np.float64)  # (d,)
        angle = p / 10000.0 ** (cols / d_model)  # (L, d)
        return np.where(cols % 2 == 0, np.sin(angle), np.cos(angle))  # (L, d)
    pair = np.arange(d_model // 2, dtype=np.float64)  # (d/2,): i
    power = (2 * pair if exponent == "pairs" else pair) / d_model  # (d/2,)
    angle = p * 10000.0 ** power if invert else p / 10000.0 ** power  # (L, d/2)
    first, second = (np.cos(angle), np.sin(angle)) if swap else (np.sin(angle), np.cos(angle))
    if layout == "halves":
        return np.concatenate([first, second], axis=1)  # (L, d): [sin | cos]
    table = np.zeros((max_len, d_model))  # (L, d)
    table[:, 0::2], table[:, 1::2] = first, second
    return table


def _check_positions(sinusoidal_positions) -> None:
    # float32 tables are welcome: at position 127 their angles carry errors of about 1e-5
    for max_len, d_model in ((50, 16), (3, 4), (128, 64)):
        got = require_tensor(sinusoidal_positions(max_len, d_model),
                             f"sinusoidal_positions({max_len}, {d_model})", (max_len, d_model))

        def fp(message, max_len=max_len, d_model=d_model, **bug):
            return Fingerprint(_formula(max_len, d_model, **bug), message, rtol=1e-4, atol=1e-4)

        fingerprints = [
            fp("your table puts all the sines first and all the cosines after "
               "([sin | cos]); the formula interleaves them: sin in the even columns 0, 2, 4, "
               "..., cos in the odd columns", layout="halves"),
            fp("your sines and cosines are swapped: sin goes in the even columns (2i), cos in "
               "the odd ones (2i + 1)", swap=True),
            fp("your frequencies use the column index j in 10000^(j/d); both columns 2i and "
               "2i + 1 of a pair share the exponent 2i/d", exponent="column"),
            fp("your exponent is i/d; it is 2i/d, with i the index of the (sin, cos) pair",
               exponent="half"),
            fp("your angles multiply the position by 10000^(2i/d); divide by it instead, so "
               "frequencies fall from 1 to about 1/10000 across the columns", invert=True),
        ]
        assert_close(got, _formula(max_len, d_model), "the positional table",
                     rtol=1e-4, atol=1e-4, fingerprints=fingerprints,
                     inputs=f"for max_len={max_len}, d_model={d_model}")


def _run(ctx: CheckContext) -> None:
    import torch

    ctx.layer("contract")
    cls = require_callable(ctx.learner, "MultiHeadAttention")
    sinusoidal_positions = require_callable(ctx.learner, "sinusoidal_positions")
    require_signature(cls, "`MultiHeadAttention`", "(d_model, n_heads)", 16, 4)
    require_signature(sinusoidal_positions, "`sinusoidal_positions`", "(max_len, d_model)", 8, 4)
    forbid_library(cls, "`MultiHeadAttention`", FORBIDDEN,
                   "write the attention yourself here (the check compares your module with "
                   "nn.MultiheadAttention)")
    gen = torch.Generator().manual_seed(2000 + ctx.seed)
    module = _build(cls, 16, 4, gen)
    out = module(torch.randn(2, 3, 16, generator=gen, dtype=torch.float64))  # (B, T, D)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (2, 3, 16):
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        ctx.fail(f"MultiHeadAttention(16, 4) on x (2, 3, 16) returned {shape}; expected a "
                 "tensor (2, 3, 16): (B, T, d_model)")

    ctx.layer("values")
    _check_module_values(cls, gen)
    _check_positions(sinusoidal_positions)

    ctx.layer("gradients")
    _check_module_gradients(cls, gen)

    ctx.layer("probes")
    device = ctx.torch_device()
    module = _build(cls, 16, 4, gen).float().to(device)
    x = torch.randn(2, 9, 16, generator=gen).to(device)  # (B, T, D), float32
    for position in (4, 8):
        causal_probe(lambda t: module(t, causal=True), x, position, lambda s: s + 1.0,
                     what="your module with causal=True")


def run(ctx: CheckContext) -> None:
    with one_cpu_thread(ctx.device):
        _run(ctx)
