"""Evidence for the cnn module's checks: the references pass on three seeds, the stubs fail
cleanly, and each known bug fails in the expected layer with a message that names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run_check, run_reference, run_stub

MODULE = "cnn"
VARIANTS = Path(__file__).parent / "variants"
SLOW = pytest.mark.slow

# (exercise, variant file, expected layer, words the message must contain)
BUGS = [
    ("conv_pool", "bug_flipped_kernel", "values", ["flips the kernel", "cross-correlation"]),
    ("conv_pool", "bug_output_size_no_plus_one", "values", ["returned 4, expected 5", "+1"]),
    ("conv_pool", "bug_conv_loop_off_by_one", "values", ["off by one", "floor("]),
    ("conv_pool", "bug_padding_one_side", "values", ["pads on one side only"]),
    ("conv_pool", "bug_pool_grad_to_all", "gradients", ["copies dout to every element"]),
    ("conv_pool", "bug_pool_grad_averaged", "gradients", ["spreads dout evenly"]),
    ("conv_pool", "bug_pool_overlap_overwrite", "gradients", ["overlap", "+="]),
    ("conv_pool", "bug_pool_ties_all_maxima", "probes", ["maximum appears", "one of the maxima"]),
    ("conv_pool", "bug_pool_ceil", "values", ["partial window"]),
    ("conv_pool", "bug_dx_not_cropped", "gradients", ["padded input", "crop"]),
    ("conv_pool", "bug_db_mean", "gradients", ["db is divided by the batch size"]),
    ("conv_pool", "bug_uses_torch", "contract", ["imports `torch`", "NumPy only"]),
    ("digits_cnn", "bug_prepare_flat", "contract", ["(6, 64)", "(N, 1, 8, 8)"]),
    ("digits_cnn", "bug_channels_last", "contract", ["channels-last"]),
    ("digits_cnn", "bug_not_scaled", "contract", ["divide by 16"]),
    ("digits_cnn", "bug_linear_first", "contract", ["flat rows of 64 pixels"]),
    ("digits_cnn", "bug_squeeze", "contract", ["batch of one", "squeeze"]),
    ("digits_cnn", "bug_softmax_in_model", "probes", ["probabilities", "softmax"]),
    ("digits_cnn", "bug_no_relu", "probes", ["affine", "ReLU"]),
    ("digits_cnn", "bug_mixed_batch", "probes", ["mixes samples"]),
    ("digits_cnn", "bug_too_few_steps", "training", ["below 0.95", "still falling"]),
    ("digits_cnn", "bug_softmax_before_ce", "training", ["1.4612", "remove the softmax"]),
    ("digits_cnn", "bug_nll_on_logits", "training", ["went negative", "cross_entropy"]),
    ("digits_cnn", "bug_train_signature", "training", ["calling `train` failed", "signature"]),
    ("digits_cnn", "bug_eval_mode_over_budget", "training",
     ["more than 1,000 optimisation steps", "optimizer.step() calls", "the budget is 1,000"]),
    ("digits_cnn", "bug_manual_updates_over_budget", "training",
     ["more than 1,000 optimisation steps", "forward passes with gradients on"]),
    ("translation_invariance", "bug_mlp", "probes", ["no convolution", "0.25"]),
    ("translation_invariance", "bug_flatten", "probes", ["wider canvas", "flatten", "Evidence"]),
    ("translation_invariance", "bug_view_flatten", "probes", ["wider canvas", "pool"]),
    ("translation_invariance", "bug_partial_pool", "probes",
     ["changes your model's output", "32 x 1 x 2 = 64", "1x2 positions"]),
    ("translation_invariance", "bug_tiny_receptive_field", "training",
     ["sees only 1x1 pixels", "below 0.9"]),
    ("translation_invariance", "bug_single_conv_mean", "training", ["sees only 3x3 pixels"]),
    ("translation_invariance", "bug_no_num_classes", "contract",
     ["calling `build_model` failed", "signature"]),
    ("translation_invariance", "bug_coordinate_channel", "probes",
     ["changes your model's output", "the input of `model.conv1` (Conv2d)", "coordinate"]),
]
# Words a variant's message must NOT contain: a model without a flatten is not told about one.
ABSENT = {"bug_coordinate_channel": ["flatten"]}
# Variants that train a model for a few seconds run with -m slow; each exercise keeps at least
# three variants in the default run.
SLOW_BUGS = {"bug_softmax_before_ce", "bug_nll_on_logits", "bug_view_flatten",
             "bug_single_conv_mean", "bug_eval_mode_over_budget", "bug_manual_updates_over_budget"}

EXERCISES = ["conv_pool", "digits_cnn", "translation_invariance"]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_passes_seed_0(exercise: str) -> None:
    verdict = run_reference(MODULE, exercise, seed=0)
    assert verdict.passed, (verdict.layer, verdict.message)
    assert verdict.layer != "internal"
    if exercise == "digits_cnn":  # room to spare above the 0.95 bar, within the step budget
        assert verdict.metrics["test_accuracy"] >= 0.965
        assert verdict.metrics["steps"] <= 1000
    if exercise == "translation_invariance":
        # The evidence the exercise rests on: the CNN generalises to the right half of the
        # canvas; an MLP trained the same way learns the left half and is at chance on the right.
        assert verdict.metrics["right_accuracy"] >= 0.95
        assert verdict.metrics["mlp_right_accuracy"] < 0.45
        assert verdict.metrics["mlp_left_accuracy"] > verdict.metrics["mlp_right_accuracy"] + 0.2


@SLOW
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("exercise", ["digits_cnn", "translation_invariance"])
def test_training_reference_passes_other_seeds(exercise: str, seed: int) -> None:
    verdict = run_reference(MODULE, exercise, seed=seed)
    assert verdict.passed, (seed, verdict.layer, verdict.message)


@pytest.mark.parametrize("seed", [1, 2])
def test_conv_pool_reference_passes_other_seeds(seed: int) -> None:
    verdict = run_reference(MODULE, "conv_pool", seed=seed)
    assert verdict.passed, (seed, verdict.layer, verdict.message)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_fails_cleanly(exercise: str) -> None:
    verdict = run_stub(MODULE, exercise)
    assert not verdict.passed
    assert verdict.layer != "internal", verdict.message
    assert "NotImplementedError" in verdict.message


def _bug_params() -> list:
    params = []
    for exercise, name, layer, words in BUGS:
        marks = [SLOW] if name in SLOW_BUGS else []
        params.append(pytest.param(exercise, name, layer, words, marks=marks,
                                   id=f"{exercise}-{name}"))
    return params


@pytest.mark.parametrize(("exercise", "name", "layer", "words"), _bug_params())
def test_bug_is_named(exercise: str, name: str, layer: str, words: list[str]) -> None:
    verdict = run_check(MODULE, exercise, VARIANTS / exercise / f"{name}.py")
    assert not verdict.passed, f"{name} passed"
    assert verdict.layer != "internal", verdict.message
    assert verdict.layer == layer, (verdict.layer, verdict.message)
    for word in words:
        assert word in verdict.message, (word, verdict.message)
    for word in ABSENT.get(name, []):
        assert word not in verdict.message.lower(), (word, verdict.message)


def test_every_variant_file_is_tested() -> None:
    listed = {(exercise, name) for exercise, name, _, _ in BUGS}
    on_disk = {(p.parent.name, p.stem) for p in VARIANTS.glob("*/bug_*.py")}
    assert on_disk == listed
    for exercise in EXERCISES:
        assert sum(1 for e, n, _, _ in BUGS if e == exercise and n not in SLOW_BUGS) >= 3
