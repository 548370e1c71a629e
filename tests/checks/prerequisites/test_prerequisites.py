"""Evidence for the prerequisites checks.

For each exercise: the reference solution passes on seeds 0, 1 and 2; the stub fails cleanly;
every buggy variant (variants/<exercise>/bug_*.py) fails in the expected layer with a message that
names the bug; and other correct answers (variants/<exercise>/ok_*.py) pass, so a check does not
reject a right answer written differently from the reference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run_check, run_reference, run_stub

MODULE = "prerequisites"
VARIANTS = Path(__file__).parent / "variants"
EXERCISES = ("softmax", "least_squares", "numerical_gradient", "gaussian_bootstrap")
SLOW = {"gaussian_bootstrap"}  # its coverage simulation takes ~0.5 s of CPU, more on a busy box

# exercise -> variant -> (layer, words the message must contain)
BUGS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "softmax": {
        "bug_no_max_subtraction": ("values", ("overflows", "Subtract the max")),
        "bug_sum_wrong_axis": ("values", ("columns sum to 1", "axis")),
        "bug_lost_keepdims": ("values", ("lost its dimension", "keepdims=True")),
        "bug_ignores_axis": ("values", ("normalized along the last axis", "`axis` argument")),
        "bug_inplace": ("contract", ("changed the array it was given",)),
        "bug_float64_always": ("contract", ("float32 input into float64",)),
        "bug_python_loop": ("contract", ("Python loop", "no loops")),
        "bug_lse_no_add_back": ("values", ("never added it back",)),
        "bug_lse_keepdims": ("contract", ("drop the reduced axis",)),
        "bug_pairwise_1d_norms": ("values", ("two 1-D arrays", "column (n, 1)")),
        "bug_pairwise_sqrt": ("values", ("not squared distances",)),
        "bug_pairwise_no_clip": ("values", ("negative entries", "np.maximum(D, 0)")),
        "bug_pairwise_rowwise": ("contract", ("A[i] with B[i] only",)),
    },
    "least_squares": {
        "bug_no_bias": ("values", ("no intercept", "bias column")),
        "bug_normal_inverse": ("values", ("ill-conditioned", "normal equations", "lstsq")),
        "bug_normal_solve": ("values", ("ill-conditioned", "normal equations", "lstsq")),
        "bug_bias_order": ("values", ("mixed up",)),
        "bug_inplace_centering": ("contract", ("changed the array it was given",)),
        "bug_mean_intercept": ("values", ("b = mean(y) is not the intercept",)),
        "bug_column_y": ("contract", ("shape (2, 1)", "keep y 1-D")),
        "bug_gradient_descent": ("values", ("not the least-squares minimum",)),
    },
    "numerical_gradient": {
        "bug_forward_difference": ("values", ("forward difference",)),
        "bug_not_restored": ("contract", ("must be restored",)),
        "bug_divide_by_h": ("values", ("divide by 2h, not h",)),
        "bug_alias_no_copy": ("values", ("does not copy",)),
        "bug_ravel_copy": ("gradients", ("all zeros", "not contiguous")),
        "bug_row_loop": ("gradients", ("moves a whole row",)),
        "bug_ignores_h": ("values", ("`h` argument is ignored",)),
        "bug_rel_no_floor": ("values", ("two zero arrays is nan", "max(1e-8, |a| + |b|)")),
        "bug_rel_mean": ("values", ("averages", "take the max")),
    },
    "gaussian_bootstrap": {
        "bug_log_of_pdf": ("values", ("underflows to 0", "log(0) = -inf")),
        "bug_sigma_as_variance": ("values", ("used as the variance",)),
        "bug_mean_loglik": ("values", ("mean log density", "sum")),
        "bug_swapped_percentiles": ("contract", ("upside down", "swapped")),
        "bug_without_replacement": ("values", ("without replacement",)),
        "bug_alpha_not_halved": ("values", ("too narrow", "alpha/2")),
        "bug_percentile_fractions": ("values", ("np.percentile takes percents",)),
        "bug_hardcoded_95": ("values", ("95% interval", "use the alpha argument")),
        "bug_global_random": ("probes", ("seeded alike", "`rng` argument")),
        "bug_fixed_seed": ("probes", ("ignores its `rng`",)),
        "bug_python_loop": ("contract", ("Python loop",)),
    },
}


def _correct_variants() -> list[tuple[str, Path]]:
    return [(e, p) for e in EXERCISES for p in sorted((VARIANTS / e).glob("ok_*.py"))]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_passes_seed_0(exercise):
    verdict = run_reference(MODULE, exercise, seed=0)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    ("exercise", "seed"),
    [pytest.param(e, s, marks=[pytest.mark.slow] if e in SLOW else [])
     for e in EXERCISES for s in (1, 2)],
)
def test_reference_passes_other_seeds(exercise, seed):
    verdict = run_reference(MODULE, exercise, seed=seed)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_fails_cleanly(exercise):
    verdict = run_stub(MODULE, exercise)
    assert not verdict.passed
    assert verdict.layer == "contract", verdict.message
    assert "NotImplementedError" in verdict.message


@pytest.mark.parametrize(
    ("exercise", "variant"), [(e, v) for e in EXERCISES for v in BUGS[e]]
)
def test_bug_is_named(exercise, variant):
    layer, words = BUGS[exercise][variant]
    verdict = run_check(MODULE, exercise, VARIANTS / exercise / f"{variant}.py")
    assert verdict.layer != "internal", verdict.message
    assert not verdict.passed, f"{variant} passed"
    assert verdict.layer == layer, verdict.message
    for word in words:
        assert word in verdict.message, verdict.message


@pytest.mark.parametrize(
    ("exercise", "path"), _correct_variants(), ids=lambda v: getattr(v, "stem", v)
)
def test_other_correct_answers_pass(exercise, path):
    verdict = run_check(MODULE, exercise, path)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, verdict.message


def test_every_variant_file_is_listed():
    on_disk = {(p.parent.name, p.stem) for p in VARIANTS.glob("*/bug_*.py")}
    listed = {(e, v) for e, variants in BUGS.items() for v in variants}
    assert on_disk == listed
    assert all(len(BUGS[e]) >= 3 for e in EXERCISES)
