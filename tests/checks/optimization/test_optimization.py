"""Evidence for the optimization module's checks: the references pass on three seeds, the stubs
fail cleanly, and each buggy variant fails in the expected layer with words that name its bug."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run_check, run_reference, run_stub

MODULE = "optimization"
VARIANTS = Path(__file__).parent / "variants"
EXERCISES = ["optimizer_steps", "dropout_batchnorm", "init_schedule_overfit", "grad_accumulation"]
# checks that train a model take longer; their seed-1 and seed-2 runs are marked slow
TRAINING = {"init_schedule_overfit"}


def seeded(exercise: str) -> list:
    slow = pytest.mark.slow if exercise in TRAINING else ()
    return [pytest.param(exercise, 0, id=f"{exercise}-0")] + [
        pytest.param(exercise, seed, id=f"{exercise}-{seed}", marks=slow) for seed in (1, 2)
    ]


@pytest.mark.parametrize(("exercise", "seed"), [p for ex in EXERCISES for p in seeded(ex)])
def test_reference_passes(exercise: str, seed: int) -> None:
    verdict = run_reference(MODULE, exercise, seed)
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)
    assert verdict.layer != "internal"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_fails_cleanly(exercise: str) -> None:
    verdict = run_stub(MODULE, exercise)
    assert not verdict.passed
    assert verdict.layer != "internal", verdict.message
    assert "NotImplementedError" in verdict.message


# (exercise, variant file, expected layer, words the message must contain)
BUGS = [
    ("optimizer_steps", "bug_no_bias_correction", "values", ["no bias correction"]),
    ("optimizer_steps", "bug_l2_in_adamw", "values", ["L2 penalty", "decouples"]),
    ("optimizer_steps", "bug_lr_in_buffer", "values", ["lr * gradient", "keeps lr out"]),
    ("optimizer_steps", "bug_eps_in_sqrt", "values", ["inside the square root"]),
    ("optimizer_steps", "bug_dampened_momentum", "values", ["buffer is an average"]),
    ("optimizer_steps", "bug_decay_without_lr", "values", ["multiplies by lr"]),
    ("optimizer_steps", "bug_mutates_grad", "probes", ["changed the gradient array"]),
    ("optimizer_steps", "bug_hidden_step_counter", "contract", ["two different answers"]),
    ("optimizer_steps", "bug_renamed_argument", "contract", ["learning_rate", "stub"]),
    ("dropout_batchnorm", "bug_no_rescale", "values", ["not rescaled", "1/(1-p)"]),
    ("dropout_batchnorm", "bug_keep_probability", "values", ["probability of DROPPING"]),
    ("dropout_batchnorm", "bug_eval_scaling", "values", ["at eval", "identity"]),
    ("dropout_batchnorm", "bug_shared_mask", "values", ["same dropout pattern"]),
    ("dropout_batchnorm", "bug_reseeded_mask", "probes", ["same elements"]),
    ("dropout_batchnorm", "bug_batch_stats_at_eval", "values",
     ["eval mode", "running_mean and running_var"]),
    ("dropout_batchnorm", "bug_biased_running_var", "values", ["running variance is the biased"]),
    ("dropout_batchnorm", "bug_momentum_inverted", "values", ["momentum convention is inverted"]),
    ("dropout_batchnorm", "bug_unbiased_normalization", "values",
     ["normalize with the unbiased"]),
    ("dropout_batchnorm", "bug_running_stats_in_graph", "probes", ["autograd graph"]),
    ("dropout_batchnorm", "bug_uses_builtin", "contract", ["batch_norm"]),
    ("dropout_batchnorm", "bug_no_eps_argument", "contract", ["eps", "stub"]),
    ("init_schedule_overfit", "bug_zero_init", "values", ["same number", "symmetry"]),
    ("init_schedule_overfit", "bug_init_too_large", "values", ["std 1", "too-large init"]),
    ("init_schedule_overfit", "bug_fan_out", "values", ["fan_out"]),
    ("init_schedule_overfit", "bug_xavier_hidden", "values", ["Xavier"]),
    ("init_schedule_overfit", "bug_default_init", "values", ["PyTorch's default"]),
    ("init_schedule_overfit", "bug_large_last_layer", "values", ["the last", "ln(C)"]),
    ("init_schedule_overfit", "bug_warmup_boundary", "values", ["off by one", "warmup"]),
    ("init_schedule_overfit", "bug_warmup_from_zero", "values", ["starts at lr 0"]),
    ("init_schedule_overfit", "bug_cosine_short", "values", ["never reaches min_lr"]),
    ("init_schedule_overfit", "bug_no_zero_grad", "probes", ["zero_grad", "piling up"]),
    ("init_schedule_overfit", "bug_no_zero_grad_clipped", "probes", ["zero_grad", "piling up"]),
    ("init_schedule_overfit", "bug_loss_divided", "probes",
     ["at every step", "divided by something"]),
    ("init_schedule_overfit", "bug_lr_after_step", "probes", ["before optimizer.step()"]),
    ("init_schedule_overfit", "bug_loss_tensors", "probes", ["loss.item()"]),
    ("grad_accumulation", "bug_not_divided", "values", ["not scaled", "divided by"]),
    ("grad_accumulation", "bug_zero_grad_inside", "values", ["inside the micro-batch loop"]),
    ("grad_accumulation", "bug_step_every_micro", "values", ["optimizer.step() 4 times"]),
    ("grad_accumulation", "bug_divide_by_k", "values", ["different sizes", "n_i / N"]),
    ("grad_accumulation", "bug_no_zero_grad", "values", ["previous call"]),
    ("grad_accumulation", "bug_sum_then_backward", "probes", ["backward pass", "graphs"]),
    ("grad_accumulation", "bug_one_big_batch", "probes", ["sizes [32]"]),
    ("grad_accumulation", "bug_returns_last_loss", "values", ["loss returned"]),
]


@pytest.mark.parametrize(("exercise", "variant", "layer", "words"), BUGS,
                         ids=[f"{e}-{v}" for e, v, _, _ in BUGS])
def test_buggy_variant_is_named(exercise: str, variant: str, layer: str, words: list[str]) -> None:
    verdict = run_check(MODULE, exercise, VARIANTS / exercise / f"{variant}.py")
    assert not verdict.passed, f"{variant} passed"
    assert verdict.layer != "internal", verdict.message
    assert verdict.layer == layer, (verdict.layer, verdict.message)
    for word in words:
        assert word in verdict.message, (word, verdict.message)


# Correct solutions written differently from the reference: a check must not reject them.
OK_VARIANTS = sorted(VARIANTS.glob("*/ok_*.py"))


@pytest.mark.parametrize("path", OK_VARIANTS,
                         ids=[f"{p.parent.name}-{p.stem}" for p in OK_VARIANTS])
def test_correct_variant_passes(path: Path) -> None:
    verdict = run_check(MODULE, path.parent.name, path)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, (path.name, verdict.layer, verdict.message)


def test_every_variant_file_is_listed() -> None:
    listed = {(e, v) for e, v, _, _ in BUGS}
    on_disk = {(p.parent.name, p.stem) for p in VARIANTS.glob("*/bug_*.py")}
    assert on_disk == listed
    assert {p.name for p in VARIANTS.glob("*/*.py")} <= {f"{v}.py" for _, v in listed} | {
        p.name for p in OK_VARIANTS}
    for exercise in EXERCISES:
        assert sum(e == exercise for e, _ in listed) >= 3
