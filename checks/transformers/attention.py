"""Check `attention(q, k, v, causal=False)`: scaled dot-product attention with a causal mask.

Layers: contract (shape, dtype, no library attention), values against
F.scaled_dot_product_attention in float64 (with the known wrong variants computed too, so a
mismatch names its bug), gradients against the oracle's autograd, and the causal probe on
``ctx.torch_device()`` (a changed future token must leave every earlier output bit-identical).
"""

from __future__ import annotations

import math

from checklib import CheckContext, CheckFailure, Fingerprint, assert_close, require_callable
from checklib.gradients import assert_gradient_close
from checklib.probes import causal_probe
from checklib.threads import one_cpu_thread
from checklib.transformers_contract import forbid_library, require_signature, require_tensor

FORBIDDEN = ("scaled_dot_product_attention", "MultiheadAttention")


def _manual(q, k, v, *, scale, dim=-1, mask=None, fill=float("-inf"), after=False):
    """Attention written out by hand, so each known bug is one argument away from the truth.

    ``mask`` is a boolean (T_q, T_k) of the keys to hide; ``after`` hides them after the
    softmax (zeroing the weights without renormalising), as a common bug does.
    """
    import torch

    scores = q @ k.transpose(-2, -1) * scale  # (..., T_q, T_k)
    if mask is not None and not after:
        scores = scores.masked_fill(mask, fill)
    weights = torch.softmax(scores, dim=dim)  # (..., T_q, T_k)
    if mask is not None and after:
        weights = weights.masked_fill(mask, 0.0)
    return weights @ v  # (..., T_q, d_v)


def _future(t: int):
    import torch

    return torch.ones(t, t, dtype=torch.bool).triu(1)  # (T, T): True above the diagonal


def _run_learner(attention, q, k, v, causal: bool):
    return attention(q, k, v, causal=causal) if causal else attention(q, k, v)


GENERIC_NAN = ("a row of scores whose every key is masked, a mask applied after the softmax, or "
               "exp() of large scores without subtracting the row maximum")


def _check_finite(got, expected, inputs: str, cause: str = GENERIC_NAN) -> None:
    import torch

    bad = ~torch.isfinite(got) & torch.isfinite(expected)
    if bool(bad.any()):
        where = [int(i) for i in bad.nonzero()[0]]
        raise CheckFailure(
            f"attention {inputs} is {float(got[tuple(where)])} at index {where}, where the "
            f"answer is finite: {cause}",
            "values",
        )


def _check_noncausal(attention, gen) -> None:
    import torch
    import torch.nn.functional as F

    q = torch.randn(2, 3, 5, 4, generator=gen, dtype=torch.float64) * 1.5  # (B, H, T_q, d)
    k = torch.randn(2, 3, 7, 4, generator=gen, dtype=torch.float64) * 1.5  # (B, H, T_k, d)
    v = torch.randn(2, 3, 7, 6, generator=gen, dtype=torch.float64)  # (B, H, T_k, d_v)
    expected = F.scaled_dot_product_attention(q, k, v)  # (B, H, T_q, d_v)
    got = require_tensor(attention(q, k, v), "attention's result", (2, 3, 5, 6))
    _check_finite(got, expected, "on q (2, 3, 5, 4), k (2, 3, 7, 4), v (2, 3, 7, 6)")
    fingerprints = [
        Fingerprint(_manual(q, k, v, scale=1.0),
                    "your scores are not scaled: divide q k^T by sqrt(d), with d = q.shape[-1] "
                    "(without it the softmax saturates as d grows)"),
        Fingerprint(_manual(q, k, v, scale=1.0 / 4),
                    "your scores are divided by d, not by sqrt(d): the scale is 1 / sqrt(d)"),
        Fingerprint(_manual(q, k, v, scale=1.0 / math.sqrt(7)),
                    "your scores are divided by the square root of the number of keys; the scale "
                    "is 1 / sqrt(d) with d the size of each query vector, q.shape[-1]"),
        Fingerprint(_manual(q, k, v, scale=1.0 / math.sqrt(6)),
                    "your scores are divided by sqrt of the value size v.shape[-1]; the scale "
                    "is 1 / sqrt(d) with d = q.shape[-1], the size of queries and keys"),
        Fingerprint(_manual(q, k, v, scale=0.5, dim=-2),
                    "your softmax runs over the queries (dim=-2): each query's weights must sum "
                    "to 1 over the keys, so take the softmax over the last dimension (dim=-1)"),
    ]
    assert_close(got, expected, "attention", fingerprints=fingerprints,
                 inputs="on q (2, 3, 5, 4), k (2, 3, 7, 4), v (2, 3, 7, 6) with causal=False")

    x = torch.randn(1, 4, 3, generator=gen, dtype=torch.float64)  # (B, T, d): a batch of one
    got = require_tensor(attention(x, x, x), "attention's result on 3-d inputs (1, 4, 3)")
    assert_close(got, F.scaled_dot_product_attention(x, x, x), "attention",
                 inputs="on 3-d inputs (1, 4, 3) (q = k = v)")


def _diagonal_masked(got, q, k, v) -> bool:
    """True when every row but the first matches a mask that also hides the diagonal."""
    import torch

    t = q.shape[-2]
    strict = torch.ones(t, t, dtype=torch.bool).triu(0)  # hides j >= i
    bugged = _manual(q, k, v, scale=1 / math.sqrt(q.shape[-1]), mask=strict)  # row 0 is NaN
    return bool(torch.allclose(got[..., 1:, :], bugged[..., 1:, :], rtol=1e-6, atol=1e-9))


def _check_causal(attention, gen) -> None:
    import torch
    import torch.nn.functional as F

    shape = "q, k, v (2, 3, 6, 4) with causal=True"
    q = torch.randn(2, 3, 6, 4, generator=gen, dtype=torch.float64)  # (B, H, T, d)
    k = torch.randn(2, 3, 6, 4, generator=gen, dtype=torch.float64)  # (B, H, T, d)
    v = torch.randn(2, 3, 6, 4, generator=gen, dtype=torch.float64)  # (B, H, T, d)
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, H, T, d)
    got = require_tensor(attention(q, k, v, causal=True), f"attention's result on {shape}",
                         tuple(expected.shape))
    if _diagonal_masked(got, q, k, v):
        raise CheckFailure(
            "your causal mask also hides the diagonal, so a position cannot attend to itself "
            "(and the first position sees nothing at all): mask only the keys with j > i, "
            "e.g. torch.triu(ones, diagonal=1)", "values")
    _check_finite(got, expected, f"on {shape}")
    scale = 1 / math.sqrt(4)
    past = torch.ones(6, 6, dtype=torch.bool).tril(-1)  # hides j < i: the wrong triangle
    fingerprints = [
        Fingerprint(F.scaled_dot_product_attention(q, k, v),
                    "with causal=True your attention still sees the future: hide the keys j > i "
                    "by setting their scores to -inf before the softmax"),
        Fingerprint(_manual(q, k, v, scale=scale, mask=_future(6), after=True),
                    "your mask is applied after the softmax: the weights of the remaining keys "
                    "no longer sum to 1. Set the future scores to -inf before the softmax"),
        Fingerprint(_manual(q, k, v, scale=scale, mask=_future(6), fill=0.0),
                    "your mask sets future scores to 0, which is an ordinary score (exp(0) = 1), "
                    "not a hidden one: fill them with float('-inf')"),
        Fingerprint(_manual(q, k, v, scale=scale, mask=past),
                    "your mask hides the past and keeps the future (the wrong triangle): hide "
                    "the keys j > i, i.e. above the diagonal (torch.triu(ones, diagonal=1))"),
        Fingerprint(_manual(q, k, v, scale=1.0, mask=_future(6)),
                    "your scores are not scaled: divide q k^T by sqrt(d)"),
    ]
    assert_close(got, expected, "attention", fingerprints=fingerprints, inputs=f"on {shape}")

    one = torch.randn(2, 1, 5, generator=gen, dtype=torch.float64)  # (B, T=1, d)
    got = require_tensor(attention(one, one, one, causal=True), "attention's result", (2, 1, 5))
    assert_close(got, one, "attention",
                 inputs="on a sequence of length 1 with causal=True (the output is v itself)")

    big = torch.randn(1, 5, 8, generator=gen, dtype=torch.float64)  # (B, T, d)
    big = big / big.norm(dim=-1, keepdim=True) * math.sqrt(2000 * math.sqrt(8))  # scores <= 2000
    expected = F.scaled_dot_product_attention(big, big, big, is_causal=True)
    got = require_tensor(attention(big, big, big, causal=True), "attention's result", (1, 5, 8))
    _check_finite(got, expected, "on large inputs (scores above 1000)",
                  "exp() of a score above ~709 overflows to inf even in float64. Subtract each "
                  "row's maximum score before exp(), or use torch.softmax, which does it for you")
    assert_close(got, expected, "attention", inputs="on large inputs (scores above 1000)")


def _check_gradients(attention, gen) -> None:
    import torch
    import torch.nn.functional as F

    tensors = [torch.randn(2, 2, 5, 3, generator=gen, dtype=torch.float64) for _ in range(3)]
    weight = torch.randn(2, 2, 5, 3, generator=gen, dtype=torch.float64)  # (B, H, T, d)
    for causal in (False, True):
        mine = [t.clone().requires_grad_(True) for t in tensors]
        ref = [t.clone().requires_grad_(True) for t in tensors]
        out = require_tensor(_run_learner(attention, *mine, causal), "attention's result")
        if not out.requires_grad:
            raise CheckFailure(
                "the output of `attention` is not connected to q, k and v in autograd (no "
                "grad_fn): avoid .detach(), .numpy(), .item() or torch.no_grad() inside it",
                "gradients")
        (out * weight).sum().backward()
        (F.scaled_dot_product_attention(*ref, is_causal=causal) * weight).sum().backward()
        for name, a, b in zip("qkv", mine, ref, strict=True):
            if a.grad is None:
                raise CheckFailure(f"no gradient reaches `{name}`: is it detached somewhere?",
                                   "gradients")
            assert_gradient_close(a.grad, b.grad, f"the gradient of {name} (causal={causal})")


def _run(ctx: CheckContext) -> None:
    import torch

    ctx.layer("contract")
    attention = require_callable(ctx.learner, "attention")
    forbid_library(attention, "`attention`", FORBIDDEN,
                   "this exercise asks you to write attention from matmul, masked_fill and "
                   "softmax (the check compares you with the library)")
    require_signature(attention, "`attention`", "(q, k, v, causal=False)", 1, 2, 3, causal=True)
    gen = torch.Generator().manual_seed(1000 + ctx.seed)
    q = torch.randn(2, 3, 5, 4, generator=gen, dtype=torch.float64)  # (B, H, T_q, d)
    k = torch.randn(2, 3, 7, 4, generator=gen, dtype=torch.float64)  # (B, H, T_k, d)
    v = torch.randn(2, 3, 7, 6, generator=gen, dtype=torch.float64)  # (B, H, T_k, d_v)
    out = attention(q, k, v)
    if not isinstance(out, torch.Tensor):
        ctx.fail(f"`attention` should return a tensor, got {type(out).__name__}")
    if tuple(out.shape) != (2, 3, 5, 6):
        ctx.fail(f"on q (2, 3, 5, 4), k (2, 3, 7, 4), v (2, 3, 7, 6) `attention` returned shape "
                 f"{tuple(out.shape)}; expected (2, 3, 5, 6): (..., T_q, d_v)")
    if out.dtype != torch.float64:
        ctx.fail(f"on float64 inputs `attention` returned {out.dtype}: keep the input's dtype "
                 "(create any helper tensor with dtype= and device= taken from q)")

    ctx.layer("values")
    _check_noncausal(attention, gen)
    _check_causal(attention, gen)

    ctx.layer("gradients")
    _check_gradients(attention, gen)

    ctx.layer("probes")
    device = ctx.torch_device()
    x = torch.randn(2, 9, 16, generator=gen).to(device)  # (B, T, d), float32 on the device
    for position in (3, 8):
        causal_probe(lambda t: attention(t, t, t, causal=True), x, position,
                     lambda s: s + 1.0, what="your attention with causal=True")


def run(ctx: CheckContext) -> None:
    with one_cpu_thread(ctx.device):
        _run(ctx)
