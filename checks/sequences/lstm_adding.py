"""Check for `lstm_adding`: an LSTM trained on padded, variable-length adding-problem batches.

Layers: contract (names, output shapes, including a batch padded past its longest sequence),
values (masked_mse and last_real_step in float64 against oracles, with garbage in the padding),
gradients (masked_mse's gradient), probes (the model ignores earlier calls and padding values,
in eval mode and in train mode with the dropout masks replayed, and batch order in eval mode;
train_step's optimizer sees the clipped gradient of this batch's masked loss and nothing older,
computed by a twin that draws the same dropout masks), training (500 steps, final-answer MSE
below 0.01 on 512 held-out sequences).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from checklib import (
    CheckContext,
    Fingerprint,
    assert_close,
    assert_gradient_close,
    require_callable,
)
from checklib.adding_problem import adding_batch, as_tensors, oracle_mask, oracle_mse, with_pads
from checklib.threads import one_cpu_thread
from checklib.training import train_steps

T_MIN, T_MAX = 25, 50  # sequence lengths of the training data
HIDDEN = 32
STEPS, BATCH, LR = 500, 64, 0.02
TEST_SIZE = 512
THRESHOLD = 0.01  # final-answer MSE; predicting the mean scores about 0.17


def _contract(ctx: CheckContext, learner: dict[str, Any]) -> None:
    import torch
    from torch import nn

    model = learner["AddingLSTM"](8)
    if not isinstance(model, nn.Module):
        ctx.fail("`AddingLSTM(8)` should be an nn.Module")
    if not list(model.parameters()):
        ctx.fail("`AddingLSTM(8)` has no parameters: create its nn.LSTM and nn.Linear in __init__")
    rng = np.random.default_rng(ctx.seed)
    x, lengths, y = as_tensors(*adding_batch(3, 12, rng, lengths=[10, 7, 4]))
    out = model(x, lengths)
    if not isinstance(out, torch.Tensor):
        ctx.fail(f"`AddingLSTM.forward` should return a tensor, got {type(out).__name__}")
    if tuple(out.shape) == (3, 10):
        ctx.fail("`AddingLSTM.forward` returned shape (3, 10) for x of shape (3, 12, 2) whose "
                 "longest sequence has 10 steps: pad_packed_sequence trims to the longest "
                 "length unless you pass total_length=x.shape[1]")
    if tuple(out.shape) != (3, 12):
        hint = " (squeeze the last dimension of the head's output)" \
            if tuple(out.shape) == (3, 12, 1) else ""
        ctx.fail(f"`AddingLSTM.forward` returned shape {tuple(out.shape)} for x of shape "
                 f"(3, 12, 2); expected (3, 12) = (N, T), one prediction per step{hint}")
    loss = learner["masked_mse"](out, y, lengths)
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        ctx.fail("`masked_mse` should return a 0-dim tensor (a scalar that can call .backward()), "
                 f"got {type(loss).__name__} of shape {tuple(getattr(loss, 'shape', ()))}")
    last = learner["last_real_step"](out, lengths)
    if not isinstance(last, torch.Tensor) or tuple(last.shape) != (3,):
        ctx.fail("`last_real_step` should return a tensor of shape (N,) = (3,), got "
                 f"{type(last).__name__} of shape {tuple(getattr(last, 'shape', ()))}")


def _values(ctx: CheckContext, learner: dict[str, Any]) -> None:
    import torch

    ctx.layer("values")
    gen = torch.Generator().manual_seed(ctx.seed)
    lengths = torch.tensor([9, 3, 6, 1, 7])  # all shorter than T = 9 except the first
    t = 9
    mask = oracle_mask(lengths, t)  # (N, T)
    pred = torch.randn(5, t, generator=gen, dtype=torch.float64)  # (N, T)
    target = torch.rand(5, t, generator=gen, dtype=torch.float64)  # (N, T)
    pred[~mask] = 40 + 10 * torch.rand(int((~mask).sum()), generator=gen, dtype=torch.float64)
    target[~mask] = -40.0
    sq = (pred - target) ** 2  # (N, T)
    real_sum = sq[mask].sum()
    per_seq = torch.stack([sq[n, :k].mean() for n, k in enumerate(lengths.tolist())])  # (N,)
    loose = oracle_mask(lengths + 1, t)  # one step too many
    assert_close(learner["masked_mse"](pred, target, lengths), oracle_mse(pred, target, lengths),
                 "masked_mse", inputs="on 5 sequences of lengths [9, 3, 6, 1, 7] padded to 9",
                 fingerprints=[
        Fingerprint(sq.mean(), "your loss includes the padded steps: keep only the steps with "
                    "t < lengths[n] (build a mask from lengths)"),
        Fingerprint(real_sum / sq.numel(), "you zeroed the padded steps but still divide by "
                    "N * T; divide by the number of real steps, lengths.sum()"),
        Fingerprint(real_sum, "your loss is the sum over real steps; divide it by the number "
                    "of real steps, lengths.sum()"),
        Fingerprint(per_seq.mean(), "you average each sequence first and then the batch, so a "
                    "step of a short sequence weighs more than a step of a long one; sum over "
                    "all real steps and divide by lengths.sum()"),
        Fingerprint(sq[loose].sum() / loose.sum(), "your mask keeps one step past each "
                    "sequence's end: real steps are t < lengths[n], not t <= lengths[n]"),
    ])

    values = torch.randn(4, 8, generator=gen, dtype=torch.float64)  # (N, T)
    short = torch.tensor([5, 2, 7, 3])  # all shorter than T = 8
    rows = torch.arange(4)
    assert_close(learner["last_real_step"](values, short), values[rows, short - 1],
                 "last_real_step", inputs="on lengths [5, 2, 7, 3] padded to 8", fingerprints=[
        Fingerprint(values[:, -1], "you take the last PADDED step of every row; the answer "
                    "sits at the last real step, values[n, lengths[n] - 1]"),
        Fingerprint(values[rows, short], "you take values[n, lengths[n]], one step past the "
                    "end; the last real step is lengths[n] - 1"),
    ])
    edge = torch.tensor([8, 1, 4, 8])
    assert_close(learner["last_real_step"](values, edge), values[rows, edge - 1],
                 "last_real_step", inputs="on lengths [8, 1, 4, 8] (full-length and length-1 rows)")


def _gradients(ctx: CheckContext, learner: dict[str, Any]) -> None:
    import torch

    ctx.layer("gradients")
    gen = torch.Generator().manual_seed(ctx.seed + 1)
    lengths = torch.tensor([6, 2, 4])
    base = torch.randn(3, 6, generator=gen, dtype=torch.float64)  # (N, T)
    target = torch.randn(3, 6, generator=gen, dtype=torch.float64)  # (N, T)
    grads = []
    for fn in (learner["masked_mse"], oracle_mse):
        pred = base.clone().requires_grad_(True)
        loss = fn(pred, target, lengths)
        if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
            ctx.fail("`masked_mse` returns a value with no gradient: compute it with torch "
                     "operations on pred (no .item(), .detach(), NumPy or torch.no_grad())")
        loss.backward()
        grads.append(pred.grad)
    assert_gradient_close(grads[0], grads[1], "the gradient of masked_mse with respect to pred")


def _real(values: Any, lengths: Any) -> Any:
    return values.detach()[oracle_mask(lengths, values.shape[1]).to(values.device)]


@contextmanager
def _mode(model: Any, training: bool) -> Iterator[None]:
    """``model`` in train or eval mode inside the block, in its former mode after it."""
    was_training = model.training
    model.train(training)
    try:
        yield
    finally:
        model.train(was_training)


@contextmanager
def _replayed(state: Any) -> Iterator[None]:
    """Inside the block the global RNG starts from ``state``, so dropout draws the same masks
    every time; after it, the RNG is where it was before."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.set_rng_state(state)
        yield


def _same_rng_twice(model: Any, x: Any, lengths: Any) -> tuple[Any, Any]:
    """Two calls of ``model`` on the same batch, each from the same RNG state (same dropout)."""
    import torch

    state = torch.get_rng_state()
    outs = []
    for _ in range(2):
        with _replayed(state), torch.no_grad():
            outs.append(model(x, lengths))  # (N, T)
    return outs[0], outs[1]


def _model_probes(ctx: CheckContext, learner: dict[str, Any]) -> None:
    """Forward probes: repeated calls and padding in eval and in train mode (dropout drawing the
    same masks, so a correct model's real steps do not move), batch order in eval mode."""
    import torch

    ctx.layer("probes")
    torch.manual_seed(ctx.seed)
    model = learner["AddingLSTM"](16)
    rng = np.random.default_rng(ctx.seed + 2)
    x_np, y_np, lengths_np = adding_batch(6, 20, rng, lengths=[20, 13, 5, 17, 1, 9])
    x, lengths, _ = as_tensors(x_np, y_np, lengths_np)
    for training in (False, True):  # a state kept only in train mode is a bug too
        with _mode(model, training):
            out, again = _same_rng_twice(model, x, lengths)
        if not torch.allclose(_real(again, lengths), _real(out, lengths), rtol=1e-5, atol=1e-6):
            ctx.fail("calling your model twice on the same batch gives different outputs"
                     f"{' in train mode' if training else ''} (dropout, if any, drawing the "
                     "same masks both times): does it keep its hidden state between calls? "
                     "Each batch holds new sequences, so start from a zero state every time "
                     "(do not store h and c on self)")
    padded = with_pads(x_np, y_np, lengths_np, rng)
    for training in (False, True):  # batch statistics over the pads leak only in train mode
        with _mode(model, training):
            _padding_probe(ctx, learner, model, (x_np, y_np, lengths_np), padded, training)
    with _mode(model, False):
        _order_probes(ctx, model, x, lengths)


def _padding_probe(ctx: CheckContext, learner: dict[str, Any], model: Any,
                   batch: tuple[np.ndarray, np.ndarray, np.ndarray],
                   padded: tuple[np.ndarray, np.ndarray], training: bool) -> None:
    """The same batch with other values in its padding: nothing at the real steps may move.
    Both calls draw the same dropout masks (pad values do not change what dropout draws)."""
    import torch

    x_np, y_np, lengths_np = batch
    x, lengths, y = as_tensors(x_np, y_np, lengths_np)
    x2, _, y2 = as_tensors(*padded, lengths_np)
    state = torch.get_rng_state()
    with torch.no_grad():
        with _replayed(state):
            out = model(x, lengths)  # (N, T)
        with _replayed(state):
            out2 = model(x2, lengths)
        loss, loss2 = (learner["masked_mse"](o, t, lengths) for o, t in ((out, y), (out2, y2)))
        last, last2 = (learner["last_real_step"](o, lengths) for o in (out, out2))
    mode = " (in train mode)" if training else ""
    if not torch.allclose(_real(out2, lengths), _real(out, lengths), rtol=1e-5, atol=1e-5):
        ctx.fail(f"your model's outputs at REAL steps change when only the padding values "
                 f"change{mode}: the padding leaks in (a bidirectional LSTM, or statistics "
                 "taken over the whole padded tensor?). Pack the batch with "
                 "pack_padded_sequence, or use a left-to-right LSTM whose real steps never see "
                 "what comes after them")
    if abs(float(loss2) - float(loss)) > 1e-5 * max(1.0, abs(float(loss))):
        ctx.fail(f"the loss changes from {float(loss):.6g} to {float(loss2):.6g} when only the "
                 "padding values of x and y change: padded steps must not reach the loss")
    if not torch.allclose(last2, last, rtol=1e-5, atol=1e-5):
        ctx.fail(f"the final predictions change when only the padding values change{mode}")


def _order_probes(ctx: CheckContext, model: Any, x: Any, lengths: Any) -> None:
    """In eval mode: a sequence's outputs do not depend on its place in the batch or on the
    other sequences in it."""
    import torch

    with torch.no_grad():
        out = model(x, lengths)  # (N, T)
    perm = torch.tensor([4, 2, 0, 5, 3, 1])
    with torch.no_grad():
        shuffled = model(x[perm], lengths[perm])
    if not torch.allclose(_real(shuffled, lengths[perm]), _real(out[perm], lengths[perm]),
                          rtol=1e-4, atol=1e-5):
        ctx.fail("reordering the sequences of a batch changes their outputs: if you sort the "
                 "batch by length for packing, put the outputs back in the caller's order (or "
                 "let pack_padded_sequence do both with enforce_sorted=False)")
    with torch.no_grad():
        alone = model(x[2:3], lengths[2:3])
    if not torch.allclose(_real(alone, lengths[2:3]), _real(out[2:3], lengths[2:3]),
                          rtol=1e-4, atol=1e-5):
        ctx.fail("a sequence's outputs depend on the other sequences in its batch: each row "
                 "must be processed independently of the others")


def _flat(tensors: list[Any]) -> Any:
    import torch

    return torch.cat([t.reshape(-1) for t in tensors])


def _clipped(flat: Any, max_norm: float) -> Any:
    norm = float(flat.norm())
    return flat * min(1.0, max_norm / (norm + 1e-6))


def _train_step_probe(ctx: CheckContext, learner: dict[str, Any]) -> None:
    import torch

    torch.manual_seed(ctx.seed + 3)
    model = learner["AddingLSTM"](16)
    rng = np.random.default_rng(ctx.seed + 3)
    x_np, y_np, lengths_np = adding_batch(8, 16, rng, t_min=4)
    x_np, y_np = with_pads(x_np, y_np, lengths_np, rng)
    x, lengths, y = as_tensors(x_np, y_np, lengths_np)
    params = list(model.parameters())
    model.train()
    rng_state = torch.get_rng_state()  # the twins and train_step draw the same dropout masks

    def fresh_gradient(loss_fn: Any) -> tuple[Any, Any]:
        twin = copy.deepcopy(model)
        with _replayed(rng_state):
            out = twin(x, lengths)
        loss = loss_fn(out, y)
        loss.backward()
        return _flat([p.grad if p.grad is not None else torch.zeros_like(p)
                      for p in twin.parameters()]), loss

    grad, loss = fresh_gradient(lambda o, t: oracle_mse(o, t, lengths))
    unmasked, _ = fresh_gradient(lambda o, t: ((o - t) ** 2).mean())
    max_norm = 0.25 * float(grad.norm())  # so that clipping matters on this batch
    stale = [0.5 * torch.randn_like(p) for p in params]  # a previous step's leftovers
    for p, s in zip(params, stale, strict=True):
        p.grad = s.clone()
    old = _flat(stale)

    optimizer = torch.optim.SGD(params, lr=0.01)
    seen: list[Any] = []
    inner_step = optimizer.step

    def watched_step(*args: Any, **kwargs: Any) -> Any:
        seen.append([None if p.grad is None else p.grad.detach().clone() for p in params])
        return inner_step(*args, **kwargs)

    optimizer.step = watched_step  # type: ignore[method-assign]
    with _replayed(rng_state):
        returned = learner["train_step"](model, optimizer, x, lengths, y, max_norm=max_norm)
    if len(seen) != 1:
        ctx.fail(f"`train_step` called optimizer.step() {len(seen)} times; call it once")
    if all(g is None for g in seen[0]) or all(not bool(g.any()) for g in seen[0]
                                              if g is not None):
        ctx.fail("when optimizer.step() ran, the gradients were empty or all zero: the order "
                 "is optimizer.zero_grad(), loss.backward(), clip, optimizer.step() (is "
                 "zero_grad called between backward and step?)")
    if any(g is None for g in seen[0]):
        ctx.fail("when optimizer.step() ran, some parameters had no gradient: call "
                 "loss.backward() before optimizer.step(), on a loss computed by the model")
    got = _flat(seen[0])
    after = _flat([p.grad if p.grad is not None else torch.zeros_like(p) for p in params])
    norm = float(got.norm())
    if not torch.allclose(got, _clipped(grad, max_norm), rtol=1e-3, atol=1e-6 * max_norm):
        stale_msg = ("gradients from before this step were still in .grad and got added to this "
                     "batch's: call optimizer.zero_grad() before loss.backward()")
        pads_msg = ("the gradient comes from a loss that includes the padded steps: compute the "
                    "loss in train_step with your masked_mse")
        named = [
            (_clipped(old + grad, max_norm), stale_msg), (old + grad, stale_msg),
            (_clipped(unmasked, max_norm), pads_msg), (unmasked, pads_msg),
            (_clipped(grad, 1.0), f"you clip the gradient norm to 1.0, but train_step was "
             f"called with max_norm = {max_norm:.4g}: pass the max_norm argument on"),
            (grad.clamp(-max_norm, max_norm), "you clip each gradient VALUE at max_norm "
             "(clip_grad_value_); this step asks for the gradient NORM to be clipped: "
             "nn.utils.clip_grad_norm_(model.parameters(), max_norm)"),
        ]
        if torch.allclose(got, grad, rtol=1e-3, atol=1e-8):
            if torch.allclose(after, _clipped(grad, max_norm), rtol=1e-3, atol=1e-6 * max_norm):
                ctx.fail("you clip the gradient AFTER optimizer.step(), when the step has "
                         "already used it: clip between loss.backward() and optimizer.step()")
            ctx.fail(f"the optimizer saw a gradient of norm {norm:.4g} with max_norm = "
                     f"{max_norm:.4g}: the gradient is not clipped. Call nn.utils."
                     "clip_grad_norm_(model.parameters(), max_norm) between backward and step")
        for value, message in named:
            if torch.allclose(got, value, rtol=1e-3, atol=1e-6 * max_norm):
                ctx.fail(message)
        ctx.fail(f"the gradient the optimizer saw (norm {norm:.4g}) is not the gradient of this "
                 f"batch's masked loss clipped to max_norm = {max_norm:.4g} (norm "
                 f"{min(max_norm, float(grad.norm())):.4g})")
    if isinstance(returned, torch.Tensor):
        ctx.fail("`train_step` returns a tensor; return loss.item(), a Python float (a tensor "
                 "keeps its whole graph alive, and adding them up across steps grows memory)")
    if not isinstance(returned, (float, int)):
        ctx.fail(f"`train_step` should return the loss as a float, got {type(returned).__name__}")
    if not math.isclose(float(returned), loss.item(), rel_tol=1e-4, abs_tol=1e-7):
        ctx.fail(f"`train_step` returned {float(returned):.6g}, but the masked loss of the batch "
                 f"before the step is {loss.item():.6g}")


def _training(ctx: CheckContext, learner: dict[str, Any]) -> None:
    import torch

    ctx.layer("training")
    device = ctx.torch_device()
    torch.manual_seed(ctx.seed)
    rng = np.random.default_rng(ctx.seed)
    test_x, test_lengths, test_y = as_tensors(
        *adding_batch(TEST_SIZE, T_MAX, np.random.default_rng(10_000 + ctx.seed), T_MIN),
        device=device)
    rows = torch.arange(TEST_SIZE, device=device)
    answers = test_y[rows, test_lengths.to(device) - 1]  # (N,)
    model = learner["AddingLSTM"](HIDDEN).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda i: 0.05 + 0.475 * (1 + math.cos(math.pi * min(i, STEPS) / STEPS)))

    def step(_: int) -> float:
        x, lengths, y = as_tensors(*adding_batch(BATCH, T_MAX, rng, T_MIN), device=device)
        loss = learner["train_step"](model, optimizer, x, lengths, y, max_norm=1.0)
        schedule.step()
        return float(loss)

    def final_mse() -> float:
        model.eval()
        with torch.no_grad():
            pred = model(test_x, test_lengths)  # (N, T)
            final = pred[rows, test_lengths.to(device) - 1]  # (N,)
        model.train()
        return float(((final - answers) ** 2).mean())

    train_steps(ctx, step, STEPS, evaluate=final_mse, metric_name="final-answer MSE",
                eval_every=100)
    mse = final_mse()
    ctx.metric("final_answer_mse", mse)
    if not mse < THRESHOLD:
        ctx.fail(f"after {STEPS} steps the final-answer MSE on {TEST_SIZE} held-out sequences "
                 f"is {mse:.4f}; the reference reaches about 0.002 and the check asks for "
                 f"< {THRESHOLD} (predicting the average answer scores about 0.17)")


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    names = ("AddingLSTM", "masked_mse", "last_real_step", "train_step")
    learner = {name: require_callable(ctx.learner, name) for name in names}
    with one_cpu_thread(ctx):
        _contract(ctx, learner)
        _values(ctx, learner)
        _gradients(ctx, learner)
        _model_probes(ctx, learner)
        _train_step_probe(ctx, learner)
        _training(ctx, learner)
