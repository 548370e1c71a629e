"""Check `digits_cnn`: a small CNN on scikit-learn's 8x8 digits.

Layers: contract (prepare turns (N, 64) rows into (N, 1, 8, 8) float32 images in [0, 1]; the
model is an nn.Module with a convolution, at most 100k parameters, (N, 10) outputs for a batch
of 7 and a batch of one), probes (logits and not probabilities; not an affine map, which a stack
of layers with no nonlinearity is and which still reaches ~0.96 here; each sample's output
independent of the rest of the batch), training (the learner's `train` on ctx.torch_device(),
at most 1,000 optimisation steps, counted as optimizer.step() calls in either train or eval
mode, or as forward passes with gradients on when no torch.optim optimizer is used; test
accuracy >= 0.95 on a stratified quarter held out; the reported losses are checked for the
floor that softmax-before-cross-entropy leaves).
"""

from __future__ import annotations

import numpy as np
from checklib import CheckContext, CheckFailure, as_float64, require_callable, seed_everything
from checklib.cnn_models import (
    call_model,
    float64_copy,
    guard,
    has_conv,
    parameter_count,
    require_module,
)

PARAM_BUDGET = 100_000
STEP_BUDGET = 1_000
THRESHOLD = 0.95
SOFTMAX_FLOOR = 1.4612  # -1 + ln(e + 9): the least cross-entropy of 10 probabilities as logits
FLAT_ADVICE = (
    "Does its first layer expect flat rows of 64 pixels? A CNN takes images (N, C, H, W) = "
    "(N, 1, 8, 8); nn.Conv2d(1, ...) first, and flatten only before the last linear layer"
)


def run(ctx: CheckContext) -> None:
    import torch
    from sklearn.datasets import load_digits

    digits = load_digits()
    ctx.layer("contract")
    prepare = guard(ctx, require_callable(ctx.learner, "prepare"), "prepare")
    build_model = guard(ctx, require_callable(ctx.learner, "build_model"), "build_model")
    train = guard(ctx, require_callable(ctx.learner, "train"), "train")
    _check_prepare(prepare, digits.data)
    seed_everything(ctx.seed)
    model = build_model()
    require_module(model)
    _check_model_contract(ctx, model)

    ctx.layer("probes")
    torch.manual_seed(ctx.seed)
    _probes(ctx, model)
    ctx.log("outputs are logits, the model is not affine, samples do not mix")

    ctx.layer("training")
    _training(ctx, build_model, train, digits)


# ---------------------------------------------------------------- contract

def _check_prepare(prepare, data: np.ndarray) -> None:
    import torch

    rows = data[:6].copy()
    images = prepare(rows.copy())
    if isinstance(images, np.ndarray):
        raise CheckFailure(
            "prepare returned a NumPy array; return a torch tensor "
            "(torch.as_tensor(images, dtype=torch.float32))", "contract"
        )
    if not isinstance(images, torch.Tensor):
        raise CheckFailure(f"prepare returned {type(images).__name__}; return a torch tensor",
                           "contract")
    shape = tuple(images.shape)
    if shape != (6, 1, 8, 8):
        if shape == (6, 64):
            why = ("that is still one flat row of 64 pixels per digit. A CNN slides its filters "
                   "over an image: reshape to (N, C, H, W) = (N, 1, 8, 8)")
        elif shape == (6, 8, 8):
            why = "the channel axis is missing: (N, 1, 8, 8), one grey channel"
        elif shape == (6, 8, 8, 1):
            why = ("that is channels-last (N, H, W, C), as in TensorFlow; PyTorch's layers want "
                   "channels first, (N, C, H, W) = (N, 1, 8, 8)")
        else:
            why = "expected (N, 1, 8, 8)"
        raise CheckFailure(f"prepare turned 6 rows of shape (6, 64) into shape {shape}: {why}",
                           "contract")
    if images.dtype != torch.float32:
        raise CheckFailure(
            f"prepare returned {images.dtype}; the model's weights are float32, so return "
            "float32 (torch.float32, `.float()`)", "contract"
        )
    got = as_float64(images)
    expected = rows.reshape(6, 1, 8, 8) / 16.0
    if np.allclose(got, expected, atol=1e-6):
        return
    if np.allclose(got, expected * 16.0, atol=1e-4):
        why = ("the pixels are still in [0, 16]: divide by 16 so the inputs are in [0, 1], the "
               "range the default initialisation expects")
    elif np.allclose(got, expected.transpose(0, 1, 3, 2), atol=1e-6):
        why = ("each image is transposed: pixel k of a row belongs at row k // 8 and column "
               "k % 8, which is what a plain row-major reshape(N, 1, 8, 8) gives")
    else:
        why = "expected X.reshape(N, 1, 8, 8) / 16"
    raise CheckFailure(f"prepare's pixel values are wrong: {why}", "contract")


def _check_model_contract(ctx: CheckContext, model) -> None:
    import torch

    if not has_conv(model):
        raise CheckFailure(
            "your model has no nn.Conv2d: this exercise is a convolutional network (an MLP "
            "on flat pixels is the backprop module's exercise)", "contract"
        )
    count = parameter_count(model)
    ctx.metric("parameters", count)
    if count > PARAM_BUDGET:
        raise CheckFailure(
            f"your model has {count:,} parameters; the budget is {PARAM_BUDGET:,}. An 8x8 "
            "digit needs far fewer: 16 and 32 filters of 3x3 and one linear layer make ~10,000",
            "contract",
        )
    model.eval()
    with torch.no_grad():
        for n in (7, 1):
            x = torch.rand(n, 1, 8, 8)
            out = call_model(model, x, ctx.learner_path,
                             f"on a batch of images of shape {tuple(x.shape)}", "contract",
                             FLAT_ADVICE)
            if not isinstance(out, torch.Tensor):
                raise CheckFailure(f"your model returned {type(out).__name__}, not a tensor",
                                   "contract")
            if tuple(out.shape) != (n, 10):
                hint = ""
                if n == 1 and tuple(out.shape) == (10,):
                    hint = ("; a batch of one lost its batch axis. `.squeeze()` drops every axis "
                            "of size 1; flatten with nn.Flatten() or x.flatten(1)")
                raise CheckFailure(
                    f"on a batch of shape ({n}, 1, 8, 8) your model returned shape "
                    f"{tuple(out.shape)}, expected ({n}, 10): one score per class{hint}",
                    "contract",
                )
    model.train()


# ---------------------------------------------------------------- probes

def _probes(ctx: CheckContext, model) -> None:
    import torch

    exact = float64_copy(model)
    x1 = torch.randn(5, 1, 8, 8, dtype=torch.float64)
    x2 = torch.randn(5, 1, 8, 8, dtype=torch.float64)
    with torch.no_grad():
        out = exact(torch.rand(16, 1, 8, 8, dtype=torch.float64))
        if bool((out >= 0).all()) and torch.allclose(out.sum(1), torch.ones(16, dtype=out.dtype),
                                                      atol=1e-6):
            raise CheckFailure(
                "your model's outputs are probabilities (each row is >= 0 and sums to 1): it "
                "ends with a softmax. Return raw scores (logits): F.cross_entropy applies "
                "log-softmax itself, and a softmax before it squashes the gradients", "probes"
            )
        a = 0.3
        mixed = exact(a * x1 + (1 - a) * x2)
        blend = a * exact(x1) + (1 - a) * exact(x2)
        if torch.allclose(mixed, blend, rtol=1e-9, atol=1e-10):
            raise CheckFailure(
                "your model is an affine map: f(0.3 a + 0.7 b) = 0.3 f(a) + 0.7 f(b) for every "
                "input. Convolutions, flattening and linear layers are all linear, and a stack "
                "of them with nothing between collapses into one linear layer. Put a ReLU after "
                "each convolution (and after each hidden linear layer)", "probes"
            )
        batch = exact(x1)
        alone = torch.cat([exact(x1[i:i + 1]) for i in range(len(x1))])
        if not torch.allclose(batch, alone, rtol=1e-7, atol=1e-9):
            raise CheckFailure(
                "in eval mode, a digit's scores change with the other digits in its batch: "
                "some reshape mixes samples. Flatten per sample, keeping the batch axis first "
                "(x.flatten(1) or x.view(x.shape[0], -1))", "probes"
            )


# ---------------------------------------------------------------- training

class _StepCounter:
    """Counts the optimisation steps of the learner's `train` and streams them: calls of
    optimizer.step() on the model's parameters (in train or eval mode alike), or, for a loop
    that updates the weights by hand with no torch.optim optimizer, forward passes with
    gradients on. Raises past the budget, which stops `train`."""

    def __init__(self, ctx: CheckContext, model) -> None:
        self.ctx = ctx
        self.params = {id(p) for p in model.parameters()}
        self.optimizer_steps = self.grad_forwards = 0

    @property
    def count(self) -> int:
        return self.optimizer_steps or self.grad_forwards

    def forward(self, module, inputs) -> None:
        import torch

        if torch.is_grad_enabled():
            self.grad_forwards += 1
            if not self.optimizer_steps:
                self._tick("forward passes with gradients on, as train calls no optimizer.step()")

    def optimizer_step(self, optimizer, args, kwargs) -> None:
        if any(id(p) in self.params for group in optimizer.param_groups for p in group["params"]):
            self.optimizer_steps += 1
            self._tick("optimizer.step() calls")

    def _tick(self, what: str) -> None:
        if self.count > STEP_BUDGET:
            raise CheckFailure(
                f"train ran more than {STEP_BUDGET:,} optimisation steps ({what}), in train "
                f"or eval mode alike: the budget is {STEP_BUDGET:,}. A few hundred steps of Adam "
                "on batches of 64 suffice",
                "training",
            )
        self.ctx.progress(self.count, STEP_BUDGET)


def _losses(value) -> list[float]:
    if value is None:
        raise CheckFailure(
            "train returned None; return the list of losses, one per step (loss.item())",
            "training",
        )
    try:
        losses = [float(v) for v in value]
    except (TypeError, ValueError):
        raise CheckFailure(
            f"train returned {type(value).__name__}; return a list of floats, the loss of "
            "each step (loss.item())", "training"
        ) from None
    if not losses:
        raise CheckFailure("train returned an empty list of losses: did it train at all?",
                           "training")
    return losses


def _training(ctx: CheckContext, build_model, train, digits) -> None:
    import torch
    import torch.nn.functional as F
    from sklearn.model_selection import train_test_split
    from torch.optim.optimizer import register_optimizer_step_pre_hook

    device = ctx.torch_device()
    X = digits.data.reshape(-1, 1, 8, 8).astype(np.float32) / 16.0  # (1797, 1, 8, 8)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, digits.target, test_size=0.25, random_state=ctx.seed, stratify=digits.target
    )
    X_tr_t = torch.as_tensor(X_tr, device=device)                      # (1347, 1, 8, 8)
    y_tr_t = torch.as_tensor(y_tr, dtype=torch.int64, device=device)  # (1347,)
    X_te_t = torch.as_tensor(X_te, device=device)                      # (450, 1, 8, 8)
    y_te_t = torch.as_tensor(y_te, dtype=torch.int64, device=device)

    seed_everything(ctx.seed)
    model = build_model().to(device)
    counter = _StepCounter(ctx, model)
    handles = [model.register_forward_pre_hook(counter.forward),
               register_optimizer_step_pre_hook(counter.optimizer_step)]
    try:
        losses = _losses(train(model, X_tr_t, y_tr_t))
    finally:
        for handle in handles:
            handle.remove()
    steps = counter.count
    ctx.progress(steps, max(steps, 1), loss=losses[-1], force=True)
    if not all(np.isfinite(losses)):
        ctx.fail("your losses contain nan or inf: training diverged (is the learning rate too "
                 "high?)")

    model.eval()
    with torch.no_grad():
        test_acc = float((model(X_te_t).argmax(1) == y_te_t).float().mean())
        train_logits = model(X_tr_t)
        train_acc = float((train_logits.argmax(1) == y_tr_t).float().mean())
        train_ce = float(F.cross_entropy(train_logits, y_tr_t))
    for name, value in (("test_accuracy", test_acc), ("train_accuracy", train_acc),
                        ("train_loss", train_ce), ("steps", steps)):
        ctx.metric(name, value)

    if min(losses) < 0:
        ctx.fail(
            f"your loss went negative ({min(losses):.3g}): cross-entropy cannot. nn.NLLLoss "
            "expects log-probabilities, not logits; use F.cross_entropy on the logits"
        )
    if min(losses) >= SOFTMAX_FLOOR - 1e-3 and train_acc > 0.5:
        ctx.fail(
            f"your losses never went below {min(losses):.3f}, though the model classifies "
            f"{train_acc:.0%} of the training digits right: that floor ({SOFTMAX_FLOOR}) is "
            "what cross-entropy gives when it is fed probabilities. F.cross_entropy expects "
            "logits and applies log-softmax itself: remove the softmax before it"
        )
    if test_acc >= THRESHOLD:
        ctx.log(f"test accuracy {test_acc:.3f} after {steps} steps")
        return
    message = (f"test accuracy {test_acc:.3f} is below {THRESHOLD} after {steps} steps "
               f"(training accuracy {train_acc:.3f})")
    tenth = max(1, len(losses) // 10)
    early, late = float(np.mean(losses[:tenth])), float(np.mean(losses[-tenth:]))
    before_late = float(np.mean(losses[-2 * tenth:-tenth])) if len(losses) >= 2 * tenth else early
    if steps < 100 or late < 0.9 * before_late:
        message += (f": the loss was still falling when training stopped ({early:.3f} at the "
                    f"start, {late:.3f} at the end). Train for more steps (a few hundred) or "
                    "with a larger learning rate")
    elif train_acc - test_acc > 0.05:
        message += ": it fits the training digits far better than new ones (overfitting)"
    else:
        message += (f": the loss levelled off at {late:.3f}. Check the learning rate and the "
                    "architecture (ReLU after each conv, a pooling step)")
    ctx.fail(message)
