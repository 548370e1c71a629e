"""Check `translation_invariance`: a CNN trained on shapes in the left half of a canvas must
recognise them in the right half.

Layers: contract (build_model(4) is an nn.Module of at most 50k parameters mapping (N, 1, 16, 32)
to (N, 4)), probes (it runs on a wider canvas, and moving a shape 48 pixels sideways leaves its
float64 output unchanged: global pooling, not flatten), training (a fixed protocol, run here on
ctx.torch_device(): Adam, lr 6e-3, 250 steps of 64 left-half images; accuracy >= 0.9 on
right-half images). An MLP trained the same way is the evidence that the task needs invariance:
its right-half accuracy is recorded as a metric and quoted in every failure (about 0.25, chance).
When a probe fails, the model is trained anyway so the message can show what the flaw costs.
"""

from __future__ import annotations

import numpy as np
from checklib import CheckContext, CheckFailure, require_callable, seed_everything
from checklib.cnn_models import (
    call_model,
    flatten_before_linear,
    float64_copy,
    guard,
    has_conv,
    parameter_count,
    receptive_field,
    require_module,
    where_position_enters,
)
from checklib.cnn_shapes import HEIGHT, NAMES, SIZE, WIDTH, make_shapes, place
from checklib.training import train_steps

CLASSES = len(NAMES)
PARAM_BUDGET = 50_000
STEPS, BATCH, LR = 250, 64, 6e-3
THRESHOLD = 0.9
WIDE, SHIFT = 96, 48  # probe canvas width; a shift divisible by strides 2, 3, 4, 8 and 16


def run(ctx: CheckContext) -> None:
    import torch

    ctx.layer("contract")
    build_model = guard(ctx, require_callable(ctx.learner, "build_model"), "build_model")
    seed_everything(ctx.seed)
    model = build_model(CLASSES)
    require_module(model, f"build_model({CLASSES})")
    _contract(ctx, model)

    ctx.layer("probes")
    problem = _invariance_problem(ctx, model)
    if problem is None:
        ctx.log(f"moving a shape {SHIFT} pixels leaves the output unchanged")

    ctx.layer("training")
    rng = np.random.default_rng(ctx.seed)
    data = {
        "train": make_shapes(1500, "left", rng),
        "left": make_shapes(300, "left", rng),
        "right": make_shapes(500, "right", rng),
    }
    seed_everything(ctx.seed)
    model = build_model(CLASSES)
    left, right = _train_and_score(ctx, model, data, ctx.seed)
    seed_everything(ctx.seed)
    torch.manual_seed(ctx.seed)
    mlp = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(HEIGHT * WIDTH, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, CLASSES),
    )
    mlp_left, mlp_right = _train_and_score(ctx, mlp, data, ctx.seed, quiet=True)
    for name, value in (("left_accuracy", left), ("right_accuracy", right),
                        ("mlp_left_accuracy", mlp_left), ("mlp_right_accuracy", mlp_right)):
        ctx.metric(name, value)
    scores = (f"trained here on the left half, your model scores {left:.2f} on new left-half "
              f"shapes and {right:.2f} on right-half shapes (an MLP trained the same way: "
              f"{mlp_left:.2f} and {mlp_right:.2f}; chance is {1 / CLASSES:.2f})")
    ctx.log(scores)
    if problem is not None:
        ctx.fail(f"{problem}. Evidence: {scores}", "probes")
    if right >= THRESHOLD:
        return
    message = f"right-half accuracy {right:.2f} is below {THRESHOLD}: {scores}"
    field = receptive_field(model)
    if field < SIZE:
        message += (f". Each position of your last feature map sees only {field}x{field} "
                    f"pixels, less than a {SIZE}x{SIZE} shape, and all four shapes have the "
                    "same 9 pixels: a unit must see a whole shape (or the telling part of it) "
                    "to tell them apart. Stack 3x3 convolutions, with a 2x2 max-pool between, "
                    "before the global pooling")
    elif left < THRESHOLD:
        message += (". It does not even learn the left half well: check the nonlinearities "
                    "(a ReLU after each convolution) and that the model has enough filters")
    ctx.fail(message)


# ---------------------------------------------------------------- contract

def _contract(ctx: CheckContext, model) -> None:
    import torch

    count = parameter_count(model)
    ctx.metric("parameters", count)
    if count > PARAM_BUDGET:
        raise CheckFailure(
            f"your model has {count:,} parameters; the budget is {PARAM_BUDGET:,} (two 3x3 "
            "convolutions of 16 and 32 filters and a linear layer make ~5,000)", "contract"
        )
    model.eval()
    with torch.no_grad():
        x = torch.rand(3, 1, HEIGHT, WIDTH)
        out = call_model(model, x, ctx.learner_path,
                         f"on a batch of shape {tuple(x.shape)}", "contract")
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (3, CLASSES):
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise CheckFailure(
            f"on a batch of shape (3, 1, {HEIGHT}, {WIDTH}) your model returned {shape}, "
            f"expected (3, {CLASSES}): one score per class", "contract"
        )
    model.train()


# ---------------------------------------------------------------- probes

MLP_WHY = (
    "your model has no convolution: an MLP gives every pixel its own weights, so what it "
    "learns about shapes in the left half says nothing about the right half, where its "
    "weights never received a gradient"
)
POOL_HOW = (
    "pool each feature map over ALL its positions before the classifier: x.amax(dim=(2, 3)) "
    "(or x.mean(dim=(2, 3)), nn.AdaptiveMaxPool2d(1) then nn.Flatten()), then nn.Linear"
)


def _invariance_problem(ctx: CheckContext, model) -> str | None:
    """None if the model is translation invariant, else what is wrong with it, in words."""
    import torch

    exact = float64_copy(model)
    row, col = (HEIGHT - SIZE) // 2, 20
    images = np.stack([place(k, row, col, HEIGHT, WIDE) for k in range(CLASSES)])
    shifted = np.stack([place(k, row, col + SHIFT, HEIGHT, WIDE) for k in range(CLASSES)])
    try:
        with torch.no_grad():
            before = exact(torch.as_tensor(images, dtype=torch.float64))
            after = exact(torch.as_tensor(shifted, dtype=torch.float64))
    except Exception as exc:  # noqa: BLE001 - a fixed input size is the finding, not a crash
        if not has_conv(model):
            return MLP_WHY
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        flattened = _flattened(exact)
        if flattened:
            words = _flatten_words(flattened)
            why = (f"{words[0].upper()}{words[1:]}, fixes the input size; and with its own "
                   "weights for every position, what the model learns on the left does not "
                   "transfer to the right")
        else:
            why = (f"Something in it is sized for the {HEIGHT}x{WIDTH} canvas (a layer or a "
                   "parameter with one entry per position), and what has its own weights for "
                   "every position does not carry what is learned on the left over to the right")
        return (f"your model fails on a wider canvas ({HEIGHT}x{WIDE}): {type(exc).__name__}: "
                f"{first}. {why}. Instead, {POOL_HOW}")
    if tuple(before.shape) != (CLASSES, CLASSES):
        return (f"on a {HEIGHT}x{WIDE} canvas your model returned shape {tuple(before.shape)}, "
                f"expected ({CLASSES}, {CLASSES}): with global pooling the output does not "
                "depend on the image size")
    change = float((before - after).abs().max())
    scale = float(before.abs().max()) + 1e-12
    if change <= 1e-6 * scale + 1e-9:
        return None
    if not has_conv(model):
        return MLP_WHY
    moved = (f"moving the same shape {SHIFT} pixels to the right changes your model's output "
             f"(by up to {change:.3g}, outputs are about {scale:.3g}): it depends on where the "
             "shape is")
    flattened = _flattened(exact)
    if flattened:
        return (f"{moved}: {_flatten_words(flattened)}, keeps each position's features apart. "
                "Convolutions slide, so their feature maps move with the shape; to forget the "
                f"position, {POOL_HOW}")
    where = where_position_enters(model, torch.as_tensor(images), torch.as_tensor(shifted),
                                  col + SIZE // 2, SHIFT)
    if where is None:
        return (f"{moved}. Your feature maps move with the shape, so the position enters after "
                f"the last of them, where they become one score per class: {POOL_HOW}")
    return (f"{moved}: {where}. Convolutions, pooling and pointwise nonlinearities treat every "
            "position alike, so their feature maps move with the shape and global pooling then "
            "forgets where it was; anything tied to fixed positions before the pooling breaks "
            "that")


def _flattened(exact) -> tuple[int, int, int] | None:
    """What ``flatten_before_linear`` finds in the float64 copy, on the training canvas (asked
    only once the model has failed: a passing model needs no explanation)."""
    import torch

    return flatten_before_linear(exact, torch.rand(1, 1, HEIGHT, WIDTH))


def _flatten_words(flattened: tuple[int, int, int]) -> str:
    c, h, w = flattened
    return (f"a flatten into your linear layer, which reads all {c} x {h} x {w} = {c * h * w} "
            f"values of the last feature map (each of its {h}x{w} positions with its own weights)")


# ---------------------------------------------------------------- training

def _train_and_score(ctx: CheckContext, model, data, seed: int,
                     quiet: bool = False) -> tuple[float, float]:
    """Train with the fixed protocol on ctx.torch_device(); accuracy on the left and right sets."""
    import torch
    import torch.nn.functional as F

    device = ctx.torch_device()
    model = model.to(device)
    X_tr = torch.as_tensor(data["train"][0], device=device)  # (1500, 1, 16, 32)
    y_tr = torch.as_tensor(data["train"][1], device=device)  # (1500,)
    order = np.random.default_rng(seed + 1000).integers(0, len(X_tr), size=(STEPS, BATCH))
    batches = torch.as_tensor(order, device=device)           # (STEPS, BATCH)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    model.train()

    def step(i: int) -> float:
        idx = batches[i - 1]                                   # (BATCH,)
        logits = call_model(model, X_tr[idx], ctx.learner_path, "while training", "training")
        loss = F.cross_entropy(logits, y_tr[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    if quiet:
        for i in range(1, STEPS + 1):
            step(i)
    else:
        train_steps(ctx, step, STEPS)
    model.eval()
    scores = []
    with torch.no_grad():
        for half in ("left", "right"):
            X = torch.as_tensor(data[half][0], device=device)  # (n, 1, 16, 32)
            y = torch.as_tensor(data[half][1], device=device)  # (n,)
            scores.append(float((model(X).argmax(1) == y).float().mean()))
    return scores[0], scores[1]
