"""Check `train_loop`: `train_epoch` and `evaluate` in PyTorch.

Layers: contract (both return Python floats, not tensors), values (the epoch's loss is the mean
per sample over batches of unequal size; the accuracy is exact on a model whose predictions are
known), probes (a fresh gradient at every step, one step per batch, training mode during
training; eval mode and no graph during evaluation, with dropout and batch-norm inside),
training (an MLP on scikit-learn's digits, on the engine's device).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, assert_close, require_callable
from checklib.training import train_steps

EPOCHS, BATCH, LR, HIDDEN = 30, 64, 3e-3, 128
MIN_ACCURACY = 0.94


class Batches:
    """A small DataLoader: batches (x, y) in order or shuffled, already on the device.

    Like a DataLoader it has ``len()`` (the number of batches), ``dataset`` and ``batch_size``;
    ``watch`` wraps the batch iterator (a probe records each batch it hands out).
    """

    def __init__(self, x: Any, y: Any, batch_size: int, generator: Any = None,
                 watch: Callable[[Iterator], Iterator] | None = None) -> None:
        from torch.utils.data import TensorDataset

        self.x, self.y, self.batch_size = x, y, batch_size
        self.dataset = TensorDataset(x, y)
        self.generator, self.watch = generator, watch

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def sizes(self) -> list[int]:
        return [min(self.batch_size, len(self.x) - i) for i in range(0, len(self.x),
                                                                      self.batch_size)]

    def _batches(self) -> Iterator:
        import torch

        n = len(self.x)
        order = (torch.randperm(n, generator=self.generator) if self.generator is not None
                 else torch.arange(n)).to(self.x.device)
        for start in range(0, n, self.batch_size):
            index = order[start:start + self.batch_size]
            yield self.x[index], self.y[index]

    def __iter__(self) -> Iterator:
        return self.watch(self._batches()) if self.watch else self._batches()


def run(ctx: CheckContext) -> None:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small models: one thread is many times faster than several
    try:
        _run(ctx)
    finally:
        torch.set_num_threads(threads)


def _run(ctx: CheckContext) -> None:
    import torch
    from torch import nn

    device = ctx.torch_device()
    gen = torch.Generator().manual_seed(ctx.seed)
    ctx.layer("contract")
    train_epoch = require_callable(ctx.learner, "train_epoch")
    evaluate = require_callable(ctx.learner, "evaluate")

    # An epoch over 70 samples in batches of 32, 32 and 6, recording every batch's mean loss.
    x = torch.randn(70, 8, generator=gen).to(device)
    y = torch.randint(0, 4, (70,), generator=gen).to(device)
    loader = Batches(x, y, 32, generator=torch.Generator().manual_seed(ctx.seed))
    model = _mlp(8, 4, gen).to(device)
    recorded: list[float] = []
    base_loss = nn.CrossEntropyLoss()

    def recording_loss(out: Any, target: Any) -> Any:
        loss = base_loss(out, target)
        recorded.append(loss.item())
        return loss

    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    result = train_epoch(model, loader, optimizer, recording_loss, device)
    _require_float(ctx, result, "train_epoch", "the epoch's mean loss", "loss.item()")
    model_e, x_e, y_e = _known_predictions(gen, device)
    accuracy = evaluate(model_e, Batches(x_e, y_e, 32), device)  # batches of 32, 32 and 6
    _require_float(ctx, accuracy, "evaluate", "the accuracy", "(...).sum().item()")

    ctx.layer("values")
    _mean_loss_value(ctx, float(result), recorded, loader.sizes())
    _accuracy_value(float(accuracy))

    ctx.layer("probes")
    _train_probes(ctx, train_epoch, gen, device)
    _eval_probe(ctx, evaluate, gen, device)

    ctx.layer("training")
    _train_digits(ctx, train_epoch, evaluate, device)


def _mlp(inputs: int, classes: int, gen: Any, hidden: int = 16, dropout: float = 0.0,
         batch_norm: bool = False) -> Any:
    """A seeded MLP; with dropout and batch-norm when a probe needs train/eval to differ."""
    import torch
    from torch import nn

    layers: list[nn.Module] = [nn.Linear(inputs, hidden)]
    if batch_norm:
        layers.append(nn.BatchNorm1d(hidden))
    layers.append(nn.ReLU())
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(hidden, classes))
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
    return model


def _require_float(ctx: CheckContext, value: Any, name: str, what: str, fix: str) -> None:
    if hasattr(value, "detach"):
        graph = (" that still holds the autograd graph of every batch (none of them can be "
                 "freed until it is gone)") if getattr(value, "grad_fn", None) is not None else ""
        ctx.fail(f"`{name}` returned a tensor{graph}; return {what} as a Python float: "
                 f"accumulate `{fix}` values, which are plain numbers")
    if isinstance(value, bool) or not isinstance(value, (float, int)):
        ctx.fail(f"`{name}` should return {what} as a Python float, got {type(value).__name__}")


# --- values -------------------------------------------------------------------------------

def _mean_loss_value(ctx: CheckContext, got: float, losses: list[float],
                     sizes: list[int]) -> None:
    if len(losses) != len(sizes):
        ctx.fail(f"`train_epoch` called loss_fn {len(losses)} times for {len(sizes)} batches; "
                 "call it once per batch")
    batch_means, n = np.array(losses), np.array(sizes, dtype=float)
    expected = float(batch_means @ n / n.sum())
    assert_close(got, expected, "the mean loss returned by `train_epoch`", rtol=1e-5,
                 inputs=f"on batches of sizes {sizes}", fingerprints=[
        Fingerprint(batch_means.mean(), "`train_epoch` averages the batch means, so the last, "
                    "smaller batch weighs as much as a full one: add loss.item() * len(x) per "
                    "batch and divide by the number of samples", rtol=1e-5),
        Fingerprint(batch_means.sum(), "`train_epoch` returns the SUM of the batch losses; "
                    "return the mean per sample", rtol=1e-5),
        Fingerprint(batch_means.sum() / n.sum(), "`train_epoch` divides the sum of batch MEANS "
                    "by the number of samples: multiply each batch's mean by its size first",
                    rtol=1e-5),
        Fingerprint(batch_means @ n, "`train_epoch` returns the total loss; divide it by the "
                    "number of samples", rtol=1e-5),
        Fingerprint(batch_means[-1], "`train_epoch` returns only the last batch's loss; "
                    "accumulate over the whole epoch", rtol=1e-5),
    ])


def _known_predictions(gen: Any, device: Any) -> tuple[Any, Any, Any]:
    """A linear model whose prediction is the largest input: right on exactly 43 of 70."""
    import torch
    from torch import nn

    predicted = torch.randint(0, 10, (70,), generator=gen)
    x = torch.nn.functional.one_hot(predicted, 10).float() * 5 + torch.rand(70, 10,
                                                                           generator=gen)
    index = torch.arange(70)
    right = (index < 40) | (index >= 67)  # per batch of 32, 32, 6: 32, 8 and 3 right
    y = torch.where(right, predicted, (predicted + 1) % 10)
    model = nn.Linear(10, 10)
    with torch.no_grad():
        model.weight.copy_(torch.eye(10))
        model.bias.zero_()
    return model.to(device), x.to(device), y.to(device)


def _accuracy_value(got: float) -> None:
    per_batch = [32 / 32, 8 / 32, 3 / 6]
    assert_close(got, 43 / 70, "the accuracy returned by `evaluate`",
                 inputs="on 70 samples in batches of 32, 32 and 6", fingerprints=[
        Fingerprint(43, "`evaluate` returns the NUMBER of right answers; divide by the "
                    "number of samples"),
        Fingerprint(4300 / 70, "`evaluate` returns a percentage; return a fraction in [0, 1]"),
        Fingerprint(np.mean(per_batch), "`evaluate` averages per-batch accuracies, so the last, "
                    "smaller batch weighs as much as a full one: count right answers over all "
                    "batches and divide by the number of samples"),
        Fingerprint(per_batch[-1], "`evaluate` returns only the last batch's accuracy"),
    ])


# --- probes -------------------------------------------------------------------------------

def _train_probes(ctx: CheckContext, train_epoch: Callable, gen: Any, device: Any) -> None:
    """One epoch on a model left in eval mode: fresh gradients, one step per batch, train()."""
    import torch
    from checklib.probes import ZeroGradProbe
    from torch import nn

    x = torch.randn(96, 8, generator=gen).to(device)
    y = torch.randint(0, 4, (96,), generator=gen).to(device)
    model = _mlp(8, 4, gen).to(device)
    model.eval()  # as `evaluate` leaves it: train_epoch must switch back
    modes: list[bool] = []
    hook = model.register_forward_hook(lambda module, *_: modes.append(module.training))
    loss_fn = nn.CrossEntropyLoss()
    probe = ZeroGradProbe(model, loss_fn)
    loader = Batches(x, y, 24, generator=torch.Generator().manual_seed(ctx.seed),
                     watch=probe.batches)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = probe.optimizer(torch.optim.SGD(model.parameters(), lr=0.1))
    try:
        train_epoch(model, loader, optimizer, loss_fn, device)
    finally:
        hook.remove()
    if modes and not all(modes):
        ctx.fail("`train_epoch` ran the model in evaluation mode: call `model.train()` at its "
                 "start (after `evaluate`, the model is still in eval mode, so dropout and "
                 "batch-norm would behave as at test time during training)")
    if probe.steps != len(loader):
        ctx.fail(f"`train_epoch` called optimizer.step() {probe.steps} times for {len(loader)} "
                 "batches; step once per batch, after loss.backward()")
    if all(torch.equal(b, p.detach()) for b, p in zip(before, model.parameters(), strict=True)):
        ctx.fail("`train_epoch` did not change the model's parameters: call loss.backward() "
                 "before optimizer.step()")


def _eval_probe(ctx: CheckContext, evaluate: Callable, gen: Any, device: Any) -> None:
    """Dropout and batch-norm inside: evaluate must be deterministic and build no graph."""
    import torch
    from checklib.probes import eval_mode_probe

    x = torch.randn(300, 8, generator=gen).to(device)
    y = torch.randint(0, 10, (300,), generator=gen).to(device)
    model = _mlp(8, 10, gen, hidden=32, dropout=0.5, batch_norm=True).to(device)
    model.train()  # as `train_epoch` leaves it
    eval_mode_probe(lambda m, loader: evaluate(m, loader, device), model,
                    Batches(x, y, 64), Batches(x, y, 7))


# --- training -----------------------------------------------------------------------------

def _train_digits(ctx: CheckContext, train_epoch: Callable, evaluate: Callable,
                  device: Any) -> None:
    import torch
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from torch import nn

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=ctx.seed, stratify=y)

    def tensors(a: np.ndarray, b: np.ndarray) -> tuple[Any, Any]:
        return (torch.tensor(a, dtype=torch.float32, device=device),
                torch.tensor(b, dtype=torch.long, device=device))

    train = Batches(*tensors(X_train, y_train), BATCH,
                    generator=torch.Generator().manual_seed(ctx.seed))
    test = Batches(*tensors(X_test, y_test), 256)
    torch.manual_seed(ctx.seed)
    model = nn.Sequential(nn.Linear(64, HIDDEN), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(HIDDEN, 10)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    losses = train_steps(ctx, lambda epoch: train_epoch(model, train, optimizer, loss_fn, device),
                         EPOCHS, evaluate=lambda: evaluate(model, test, device),
                         metric_name="test acc", eval_every=5)
    acc = float(evaluate(model, test, device))
    ctx.metric("test_accuracy", acc)
    ctx.metric("final_train_loss", losses[-1])
    if acc < MIN_ACCURACY:
        ctx.fail(f"an MLP trained with your loop for {EPOCHS} epochs reached {acc:.1%} test "
                 f"accuracy on digits; at least {MIN_ACCURACY:.0%} is expected (the training "
                 f"loss went from {losses[0]:.3f} to {losses[-1]:.3f})")
