"""Check the tiny decoder-only Transformer: `TinyDecoder`, `reversal_loss` and `generate`.

Layers: contract (an nn.Module returning logits of the right shape for any T <= max_len),
values (the answer-only loss against F.cross_entropy in float64, with the known wrong slices
named; greedy decoding against the check's own on a fresh model), gradients of the loss,
probes on a fresh model (sequences in a batch stay independent; positions are distinguishable;
causality), training (8-digit reversal on ``ctx.torch_device()``: exact match >= 0.98 after a
fixed budget), and the probes again on the trained model; when exact match falls short they run
before the verdict, so a leak learned in training is named as one, and a low training loss with a
low exact match is reported as training and generation disagreeing.
"""

from __future__ import annotations

import math
from typing import NoReturn

from checklib import CheckContext, CheckFailure, Fingerprint, assert_close, require_callable
from checklib.gradients import assert_gradient_close
from checklib.probes import causal_probe
from checklib.threads import one_cpu_thread
from checklib.training import seed_everything, train_steps
from checklib.transformers_contract import require_signature

N_DIGITS = 8
SEP = 10
VOCAB = 11
MAX_LEN = 2 * N_DIGITS + 1  # digits, separator, reversed digits
CONFIG = {"d_model": 64, "n_heads": 4, "n_layers": 2}
STEPS, BATCH, LR = 150, 64, 3e-3
N_EVAL, THRESHOLD = 512, 0.98
MAX_PARAMS = 1_000_000


def _sequences(gen, n: int):
    """(n, 17) int64: 8 random digits, the separator, the digits reversed."""
    import torch

    digits = torch.randint(0, 10, (n, N_DIGITS), generator=gen)  # (n, 8)
    sep = torch.full((n, 1), SEP, dtype=torch.long)  # (n, 1)
    return torch.cat([digits, sep, digits.flip(1)], dim=1)  # (n, 17)


def _greedy(model, prompt, n_new: int, first: bool = False):
    """The check's own greedy decoding; ``first`` reads the first position's logits (a bug)."""
    import torch

    seq = prompt  # (B, T0)
    with torch.no_grad():
        for _ in range(n_new):
            logits = model(seq)  # (B, T, V)
            step = logits[:, 0 if first else -1, :].argmax(dim=-1, keepdim=True)  # (B, 1)
            seq = torch.cat([seq, step], dim=1)  # (B, T + 1)
    return seq[:, prompt.shape[1]:]  # (B, n_new)


def _build(ctx: CheckContext, cls, offset: int = 0):
    from torch import nn

    seed_everything(ctx.seed + offset)
    model = cls(VOCAB, MAX_LEN, **CONFIG)
    if not isinstance(model, nn.Module):
        raise CheckFailure("`TinyDecoder` should subclass nn.Module", "contract")
    return model.to(ctx.torch_device())


def _check_contract(ctx: CheckContext, model) -> None:
    import torch

    n_params = sum(p.numel() for p in model.parameters())
    if n_params == 0:
        ctx.fail("`TinyDecoder` has no parameters: create its layers in __init__")
    if n_params > MAX_PARAMS:
        ctx.fail(f"TinyDecoder(11, 17, d_model=64, n_heads=4, n_layers=2) has {n_params:,} "
                 f"parameters; a tiny decoder of that size has about 100,000 (limit "
                 f"{MAX_PARAMS:,}): does it use the arguments it is given?")
    model.eval()
    gen = torch.Generator().manual_seed(3000 + ctx.seed)
    for B, T in ((3, MAX_LEN - 1), (2, 5)):
        idx = torch.randint(0, VOCAB, (B, T), generator=gen).to(ctx.torch_device())  # (B, T)
        with torch.no_grad():
            out = model(idx)
        if not isinstance(out, torch.Tensor):
            ctx.fail(f"the model should return a tensor of logits, got {type(out).__name__}")
        if tuple(out.shape) != (B, T, VOCAB):
            ctx.fail(f"on token ids of shape ({B}, {T}) your model returned shape "
                     f"{tuple(out.shape)}; expected ({B}, {T}, {VOCAB}): (B, T, vocab_size). "
                     "It must accept any length up to max_len (generation feeds it short ones)")
        if not out.dtype.is_floating_point:
            ctx.fail(f"the model returned {out.dtype}; logits are floating-point numbers")
        if bool((out >= 0).all()) and torch.allclose(out.sum(-1), torch.ones_like(out[..., 0])):
            ctx.fail("your model returns probabilities (each row sums to 1): return the raw "
                     "logits; cross-entropy applies the (log-)softmax itself")


def _check_loss(reversal_loss, gen) -> None:
    import torch
    import torch.nn.functional as F

    for B, T, n in ((4, 16, 8), (3, 10, 3)):
        logits = torch.randn(B, T, VOCAB, generator=gen, dtype=torch.float64) * 2  # (B, T, V)
        targets = torch.randint(0, VOCAB, (B, T), generator=gen)  # (B, T)

        def ce(lg, tg):
            return F.cross_entropy(lg.reshape(-1, VOCAB), tg.reshape(-1))

        got = reversal_loss(logits, targets, n)
        if not isinstance(got, torch.Tensor) or got.numel() != 1:
            raise CheckFailure("`reversal_loss` should return a scalar tensor (not a float: "
                               "training needs to call .backward() on it)", "contract")
        expected = ce(logits[:, -n:], targets[:, -n:])
        fingerprints = [
            Fingerprint(ce(logits, targets),
                        "your loss averages over every position, prompt included: the prompt "
                        "digits are random and cannot be predicted, so training on them only "
                        "adds noise. Keep the last n_answer positions"),
            Fingerprint(ce(logits[:, -n - 1:], targets[:, -n - 1:]),
                        "your loss covers n_answer + 1 positions (the separator too): keep "
                        "exactly the last n_answer"),
            Fingerprint(ce(logits[:, :n], targets[:, :n]),
                        "your loss covers the first n_answer positions, which are the prompt; "
                        "the answer is at the end: use [:, -n_answer:]"),
            Fingerprint(ce(logits[:, -n - 1:-1], targets[:, -n:]),
                        "your logits and targets are one position apart: targets are already "
                        "shifted (targets[:, t] is the token after input t), so take the same "
                        "positions of both"),
            Fingerprint(ce(logits[:, -n:], targets[:, -n:]) * B * n,
                        "your loss is a sum over the answer tokens; take the mean"),
        ]
        assert_close(got.reshape(()), expected, "the loss", fingerprints=fingerprints,
                     inputs=f"on logits ({B}, {T}, {VOCAB}) with n_answer={n}")


def _check_generate(ctx: CheckContext, model, generate) -> None:
    import torch

    model.eval()
    gen = torch.Generator().manual_seed(4000 + ctx.seed)
    prompt = _sequences(gen, 5)[:, :N_DIGITS + 1].to(ctx.torch_device())  # (5, 9)
    expected = _greedy(model, prompt, N_DIGITS)  # (5, 8)
    got = generate(model, prompt, N_DIGITS)
    if not isinstance(got, torch.Tensor):
        ctx.fail(f"`generate` should return a tensor of token ids, got {type(got).__name__}")
    if tuple(got.shape) == (5, MAX_LEN):
        ctx.fail("`generate` returned the prompt and the new tokens (5, 17); return only the "
                 "n_new new tokens (5, 8)")
    if tuple(got.shape) != (5, N_DIGITS):
        ctx.fail(f"generate(model, prompt (5, 9), 8) returned shape {tuple(got.shape)}; "
                 "expected (5, 8)")
    got = got.to(expected.device).long()
    if torch.equal(got, expected):
        return
    if torch.equal(got, _greedy(model, prompt, N_DIGITS, first=True)):
        ctx.fail("`generate` picks each new token from the logits of the FIRST position; the "
                 "prediction for the next token is at the last position: logits[:, -1]")
    row, col = (int(i) for i in (got != expected).nonzero()[0])
    ctx.fail(f"`generate` differs from greedy decoding on an untrained model: sequence {row}, "
             f"new token {col}: expected {int(expected[row, col])}, got {int(got[row, col])} "
             "(take the argmax of the last position's logits, append it, repeat)")


def _check_loss_gradient(reversal_loss, gen) -> None:
    import torch
    import torch.nn.functional as F

    logits = torch.randn(2, 12, VOCAB, generator=gen, dtype=torch.float64)  # (B, T, V)
    targets = torch.randint(0, VOCAB, (2, 12), generator=gen)  # (B, T)
    mine, ref = logits.clone().requires_grad_(True), logits.clone().requires_grad_(True)
    loss = reversal_loss(mine, targets, 5)
    if not loss.requires_grad:
        raise CheckFailure("the loss is not connected to the logits in autograd: avoid .item(), "
                           ".detach() or torch.no_grad() inside `reversal_loss`", "gradients")
    loss.backward()
    F.cross_entropy(ref[:, -5:].reshape(-1, VOCAB), targets[:, -5:].reshape(-1)).backward()
    assert_gradient_close(mine.grad, ref.grad, "the gradient of the loss")


def _probes(ctx: CheckContext, model, when: str, trained: bool = False) -> None:
    import torch

    model.eval()
    device = ctx.torch_device()
    gen = torch.Generator().manual_seed(5000 + ctx.seed)
    idx = _sequences(gen, 4)[:, :-1].to(device)  # (4, 16)
    with torch.no_grad():
        together = model(idx)  # (4, 16, V)
        alone = model(idx[3:])  # (1, 16, V)
        same = model(torch.full((1, MAX_LEN - 1), 3, device=device))  # (1, 16, V)
    if not torch.allclose(together[3:], alone, rtol=1e-4, atol=1e-5):
        ctx.fail(f"{when}, the logits for one sequence change when other sequences share its "
                 "batch: your model mixes information across the batch (nn.MultiheadAttention "
                 "needs batch_first=True for (B, T, C) inputs; and check every transpose)")
    spread = float((same - same[:, :1]).abs().max())
    if spread <= 1e-6 * (1.0 + float(same.abs().max())):
        ctx.fail(f"{when}, on a sequence of 16 identical tokens your model gives the same "
                 "logits at every position: it cannot tell positions apart. Add a positional "
                 "encoding to the token embeddings (without one, reversing is impossible)")
    try:
        for position in (5, 12):
            causal_probe(model, idx, position, lambda s: (s + 1) % 10, what=f"{when}, your model")
    except CheckFailure as failure:
        if not trained:
            raise
        raise CheckFailure(f"{failure.message}. Before training it passed this probe, so "
                           "training opened a path to later tokens: look for anything that "
                           "mixes positions outside the masked attention (torch.roll, a shift, "
                           "a convolution padded on the right, a mean or cumsum over time), "
                           "even if its weights start at zero", "probes") from None


def _exact_match(model, seqs) -> float:
    model.eval()
    got = _greedy(model, seqs[:, :N_DIGITS + 1], N_DIGITS)  # (n, 8)
    return float((got == seqs[:, N_DIGITS + 1:]).all(dim=1).float().mean())


def _teacher_forced_match(model, seqs) -> float:
    """Share of sequences whose every answer digit is the argmax given the TRUE prefix."""
    import torch

    model.eval()
    with torch.no_grad():
        logits = model(seqs[:, :-1])  # (n, 16, V)
    got = logits[:, -N_DIGITS:].argmax(dim=-1)  # (n, 8)
    return float((got == seqs[:, -N_DIGITS:]).all(dim=1).float().mean())


def _train(ctx: CheckContext, model, reversal_loss) -> float:
    import torch

    device = ctx.torch_device()
    gen = torch.Generator().manual_seed(6000 + ctx.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=LR, total_steps=STEPS,
                                                   pct_start=0.1)
    model.train()

    def step(_: int) -> float:
        seq = _sequences(gen, BATCH).to(device)  # (B, 17)
        loss = reversal_loss(model(seq[:, :-1]), seq[:, 1:], N_DIGITS)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        return loss.item()

    losses = train_steps(ctx, step, STEPS)
    final = sum(losses[-10:]) / 10
    ctx.metric("final_loss", final)
    seqs = _sequences(torch.Generator().manual_seed(7000 + ctx.seed), N_EVAL).to(device)
    match = _exact_match(model, seqs)
    ctx.metric("exact_match", match)
    if match < THRESHOLD:
        _explain_low_match(ctx, model, seqs, match, final)
    return match


def _explain_low_match(ctx: CheckContext, model, seqs, match: float,
                       final: float) -> NoReturn:
    """Fail with the likeliest reason for a low exact match; a learned leak fails as a probe."""
    ctx.layer("probes")
    _probes(ctx, model, "after training", trained=True)
    ctx.layer("training")
    forced = _teacher_forced_match(model, seqs)
    ctx.metric("teacher_forced_match", forced)
    head = (f"after {STEPS} training steps the mean loss of the last 10 steps is {final:.3f}, "
            f"yet generating one token at a time your model reverses only {match:.1%} of "
            f"{N_EVAL} held-out sequences (needs {THRESHOLD:.0%}): training and generation "
            "disagree")
    if forced - match > 0.1:
        ctx.fail(f"{head}. Shown the true digits so far, it predicts every answer digit of "
                 f"{forced:.1%} of them; a causal model predicts the same either way. Either it "
                 "sees later tokens (a path to the future that the probes on a few positions "
                 "missed), or its forward pass computes something else on the shorter inputs "
                 "generation feeds it (positions counted from the end, padding to max_len)")
    if final < 0.05 and match < 0.5:
        ctx.fail(f"{head}. In eval mode, even shown the true digits so far, it gets every answer "
                 f"digit of only {forced:.1%} of them, so the model behaves differently in "
                 "train mode: a path to later tokens used only when self.training (training "
                 "then sees the answer), or dropout or another layer that changes the "
                 "computation between model.train() and model.eval()")
    why = ("The loss is still far from 0 (guessing a digit costs ln 10 = 2.30): the model "
           "cannot find which input digit comes next. Are the positional encodings added, "
           "and not drowned (multiplying nn.Embedding outputs by sqrt(d_model) makes tokens "
           "~8x louder than positions)? Does every block keep its residual connections?"
           if final > 1.0 else
           "The loss fell but not far enough: compare your blocks with the lesson (norms, "
           "residual connections, the MLP) and check that dropout, if any, is small")
    ctx.fail(f"after {STEPS} training steps your model reverses {match:.1%} of {N_EVAL} "
             f"held-out sequences exactly (needs {THRESHOLD:.0%}; the reference reaches "
             f"100%); mean loss of the last 10 steps {final:.3f}. {why}")


def run(ctx: CheckContext) -> None:
    import torch

    ctx.layer("contract")
    cls = require_callable(ctx.learner, "TinyDecoder")
    reversal_loss = require_callable(ctx.learner, "reversal_loss")
    generate = require_callable(ctx.learner, "generate")
    require_signature(cls, "`TinyDecoder`",
                      "(vocab_size, max_len, d_model=64, n_heads=4, n_layers=2)", VOCAB, MAX_LEN,
                      **CONFIG)
    require_signature(reversal_loss, "`reversal_loss`", "(logits, targets, n_answer)", 1, 2, 3)
    require_signature(generate, "`generate`", "(model, prompt, n_new)", 1, 2, 3)
    device = ctx.torch_device()
    with one_cpu_thread(device):
        model = _build(ctx, cls)
        _check_contract(ctx, model)

        ctx.layer("values")
        gen = torch.Generator().manual_seed(8000 + ctx.seed)
        _check_loss(reversal_loss, gen)
        _check_generate(ctx, model, generate)

        ctx.layer("gradients")
        _check_loss_gradient(reversal_loss, gen)

        ctx.layer("probes")
        _probes(ctx, model, "before training")

        ctx.layer("training")
        model = _build(ctx, cls, offset=1)
        _train(ctx, model, reversal_loss)

        ctx.layer("probes")
        _probes(ctx, model, "after training", trained=True)
    ctx.log(f"reversal learned: exact match {ctx.metrics['exact_match']:.3f}, "
            f"ln 10 = {math.log(10):.2f} is the loss of guessing")
