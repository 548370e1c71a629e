"""Evidence for the backprop module's checks: references pass, stubs and known bugs fail, named."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run_check, run_reference, run_stub

MODULE = "backprop"
EXERCISES = ["scalar_autograd", "numpy_layers", "train_loop"]
SLOW = {"scalar_autograd"}  # trains a network of Python scalars: ~3 s of CPU per seed
VARIANTS = Path(__file__).parent / "variants"
# Correct solutions written differently from the reference: a check must not reject them.
ALTERNATIVES = sorted(Path(__file__).parent.glob("alternatives/*/ok_*.py"))

# (exercise, variant, the layer that must fail, words the message must contain)
BUGS = [
    ("scalar_autograd", "bug_overwrite_grad", "gradients", ["used twice", "+="]),
    ("scalar_autograd", "bug_recursive_no_topo", "gradients", ["a.grad = 10", "topological"]),
    ("scalar_autograd", "bug_bfs_order", "gradients", ["a.grad = 2", "topological"]),
    ("scalar_autograd", "bug_tanh_uses_input", "gradients", ["tanh", "OUTPUT"]),
    ("scalar_autograd", "bug_mul_forgets_out_grad", "gradients", ["__mul__", "out.grad"]),
    ("scalar_autograd", "bug_pow_exponent", "gradients", ["__pow__", "n * a**(n-1)"]),
    ("scalar_autograd", "bug_rsub_reversed", "values", ["2.0 - a"]),
    ("scalar_autograd", "bug_no_radd", "contract", ["__radd__"]),
    ("numpy_layers", "bug_db_not_summed", "gradients", ["db has shape (5, 3)", "summed"]),
    ("numpy_layers", "bug_db_keepdims", "gradients", ["db has shape (1, 3)", "keepdims"]),
    ("numpy_layers", "bug_affine_averages", "gradients", ["averages", "SUM"]),
    ("numpy_layers", "bug_dw_transposed", "gradients", ["transposed"]),
    ("numpy_layers", "bug_loss_sum", "values", ["SUM over the batch", "divide by N"]),
    ("numpy_layers", "bug_dlogits_no_divide", "gradients", ["N times too large"]),
    ("numpy_layers", "bug_relu_grad_times_output", "gradients", ["VALUES", "mask"]),
    ("numpy_layers", "bug_relu_backward_in_place", "contract", ["relu_backward", "in place"]),
    ("numpy_layers", "bug_softmax_no_max", "values", ["overflowed", "max"]),
    ("numpy_layers", "bug_log_of_softmax", "values", ["log(0)", "log-softmax"]),
    ("train_loop", "bug_no_zero_grad", "probes", ["zero_grad", "piling up"]),
    ("train_loop", "bug_zero_grad_once", "probes", ["zero_grad", "piling up"]),
    ("train_loop", "bug_no_zero_grad_clipped", "probes", ["zero_grad", "piling up"]),
    ("train_loop", "bug_loss_scaled_up", "probes", ["24 times", "multiplied"]),
    ("train_loop", "bug_loss_divided", "probes", ["at every step", "divided by something"]),
    ("train_loop", "bug_stale_batch", "probes", ["another batch", "drawn in this iteration"]),
    ("train_loop", "bug_step_before_backward", "probes", ["did not change", "backward"]),
    ("train_loop", "bug_no_train_mode", "probes", ["model.train()"]),
    ("train_loop", "bug_no_eval", "probes", ["model.eval()"]),
    ("train_loop", "bug_no_no_grad", "probes", ["torch.no_grad()"]),
    ("train_loop", "bug_loss_tensor_sum", "contract", ["tensor", "loss.item()"]),
    ("train_loop", "bug_mean_of_batch_means", "values", ["averages the batch means"]),
    ("train_loop", "bug_accuracy_per_batch", "values", ["per-batch accuracies"]),
]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_passes(exercise: str) -> None:
    verdict = run_reference(MODULE, exercise, seed=0)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, f"{verdict.layer}: {verdict.message}"


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("exercise", [
    pytest.param(e, marks=pytest.mark.slow) if e in SLOW else e for e in EXERCISES
])
def test_reference_passes_other_seeds(exercise: str, seed: int) -> None:
    verdict = run_reference(MODULE, exercise, seed=seed)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, f"seed {seed}, {verdict.layer}: {verdict.message}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_fails_cleanly(exercise: str) -> None:
    verdict = run_stub(MODULE, exercise)
    assert not verdict.passed
    assert verdict.layer not in (None, "internal"), verdict.message
    assert "NotImplementedError" in verdict.message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflow and log(0) in buggy NumPy
@pytest.mark.parametrize(("exercise", "bug", "layer", "words"), BUGS,
                         ids=[f"{e}-{b}" for e, b, _, _ in BUGS])
def test_bug_is_named(exercise: str, bug: str, layer: str, words: list[str]) -> None:
    verdict = run_check(MODULE, exercise, VARIANTS / exercise / f"{bug}.py")
    assert verdict.layer != "internal", verdict.message
    assert not verdict.passed, f"{bug} passed the check"
    assert verdict.layer == layer, f"{bug}: {verdict.layer}: {verdict.message}"
    for word in words:
        assert word in verdict.message, f"{bug}: {word!r} not in {verdict.message!r}"


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.slow) if p.parent.name in SLOW else p for p in ALTERNATIVES
], ids=[p.stem for p in ALTERNATIVES])
def test_correct_alternative_passes(path: Path) -> None:
    verdict = run_check(MODULE, path.parent.name, path)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, f"{path.name}: {verdict.layer}: {verdict.message}"


def test_every_variant_is_listed() -> None:
    on_disk = {(p.parent.name, p.stem) for p in VARIANTS.glob("*/bug_*.py")}
    assert on_disk == {(e, b) for e, b, _, _ in BUGS}
    for exercise in EXERCISES:
        assert sum(e == exercise for e, _, _, _ in BUGS) >= 3
        assert any(p.parent.name == exercise for p in ALTERNATIVES)
