"""Evidence for the sequences module's checks: references pass, the stubs and the bugs fail
with the layer and the words that name them, and nothing ends as an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import module, run_check, run_reference, run_stub

MODULE = "sequences"
VARIANTS = Path(__file__).parent / "variants"

# variant file -> (layer it must fail in, words its message must contain)
CELL_BUGS = {
    "bug_gate_order": ("values", ["order i (input), f (forget), o (output), g (candidate)",
                                  "i, f, g, o"]),
    "bug_tanh_sigmoid_swapped": ("values", ["tanh and sigmoid are swapped"]),
    "bug_cell_uses_h": ("values", ["uses h where it needs c"]),
    "bug_no_bias": ("values", ["ignores the biases"]),
    "bug_one_bias": ("values", ["not bias_hh"]),
    "bug_h_without_tanh": ("values", ["o * tanh(c')"]),
    "bug_float32_state": ("values", ["RuntimeError", "dtype"]),
    "bug_detached_cell": ("gradients", ["cell state c", ".detach()"]),
    "bug_zero_init": ("probes", ["same value", "U(-k, k)"]),
    "bug_randn_init": ("probes", ["beyond k = 1/sqrt(hidden_size)"]),
    "bug_transposed_weights": ("contract", ["shape (3, 20), expected (20, 3)"]),
    "bug_builtin_cell": ("contract", ["PyTorch's own `lstm_cell`"]),
}

ADDING_BUGS = {
    "bug_last_padded_step": ("values", ["last PADDED step", "lengths[n] - 1"]),
    "bug_pads_in_loss": ("values", ["includes the padded steps"]),
    "bug_divide_by_all_steps": ("values", ["divide by N * T"]),
    "bug_per_sequence_mean": ("values", ["average each sequence first"]),
    "bug_no_total_length": ("contract", ["total_length"]),
    "bug_stateful_model": ("probes", ["hidden state between calls"]),
    "bug_stateful_not_detached": ("probes", ["hidden state between calls"]),
    "bug_stateful_train_mode_only": ("probes", ["in train mode", "hidden state between calls"]),
    "bug_bidirectional": ("probes", ["padding values change"]),
    "bug_batchnorm_over_pads": ("probes", ["padding values change", "in train mode",
                                           "statistics taken over the whole padded tensor?"]),
    "bug_sorted_not_restored": ("probes", ["reordering the sequences", "enforce_sorted=False"]),
    "bug_no_clipping": ("probes", ["not clipped", "clip_grad_norm_"]),
    "bug_clip_after_step": ("probes", ["AFTER optimizer.step()"]),
    "bug_clip_by_value": ("probes", ["clip_grad_value_"]),
    "bug_no_zero_grad": ("probes", ["optimizer.zero_grad()"]),
    "bug_zero_grad_after_backward": ("probes", ["between backward and step"]),
    "bug_fixed_max_norm": ("probes", ["pass the max_norm argument"]),
    "bug_unmasked_loss_in_train_step": ("probes", ["includes the padded steps", "masked_mse"]),
    "bug_returns_tensor": ("probes", ["loss.item()"]),
}
SLOW_ADDING_BUGS = {
    "bug_sigmoid_output": ("training", ["final-answer MSE", "< 0.01"]),
}


def _assert_fails(exercise: str, name: str, layer: str, words: list[str]) -> None:
    verdict = run_check(MODULE, exercise, VARIANTS / exercise / f"{name}.py")
    assert verdict.layer != "internal", verdict.message
    assert not verdict.passed, f"{name} passed"
    assert verdict.layer == layer, (verdict.layer, verdict.message)
    for word in words:
        assert word in verdict.message, (word, verdict.message)


# --- lstm_cell ----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_cell_reference_passes(seed: int) -> None:
    verdict = run_reference(MODULE, "lstm_cell", seed)
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)


def test_lstm_cell_alternative_passes() -> None:
    """Per-gate slices with F.linear and a forget-gate bias of +1 are right too."""
    verdict = run_check(MODULE, "lstm_cell", VARIANTS / "lstm_cell" / "alt_separate_gates.py")
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)


def test_lstm_cell_stub_fails_cleanly() -> None:
    verdict = run_stub(MODULE, "lstm_cell")
    assert not verdict.passed
    assert verdict.layer == "contract"
    assert "NotImplementedError" in verdict.message


@pytest.mark.parametrize("name", sorted(CELL_BUGS))
def test_lstm_cell_bug_is_named(name: str) -> None:
    layer, words = CELL_BUGS[name]
    _assert_fails("lstm_cell", name, layer, words)


# --- lstm_adding --------------------------------------------------------------------------------

def test_lstm_adding_reference_passes_seed0() -> None:
    verdict = run_reference(MODULE, "lstm_adding", 0)
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)
    assert verdict.metrics["final_answer_mse"] < 0.005


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_lstm_adding_reference_passes_more_seeds(seed: int) -> None:
    verdict = run_reference(MODULE, "lstm_adding", seed)
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)
    assert verdict.metrics["final_answer_mse"] < 0.005


@pytest.mark.slow
def test_lstm_adding_packed_alternative_passes() -> None:
    """pack_padded_sequence with enforce_sorted=False is right too (and slower on a CPU)."""
    verdict = run_check(MODULE, "lstm_adding", VARIANTS / "lstm_adding" / "alt_packed.py")
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)


def test_lstm_adding_dropout_passes() -> None:
    """A correct model with nn.Dropout: the probes run it in eval mode, and the train-step
    probe's twin draws the same dropout masks as the learner's train_step."""
    verdict = run_check(MODULE, "lstm_adding", VARIANTS / "lstm_adding" / "ok_dropout.py")
    assert verdict.passed, (verdict.layer, verdict.message, verdict.traceback)


def test_lstm_adding_stub_fails_cleanly() -> None:
    verdict = run_stub(MODULE, "lstm_adding")
    assert not verdict.passed
    assert verdict.layer == "contract"
    assert "NotImplementedError" in verdict.message


@pytest.mark.parametrize("name", sorted(ADDING_BUGS))
def test_lstm_adding_bug_is_named(name: str) -> None:
    layer, words = ADDING_BUGS[name]
    _assert_fails("lstm_adding", name, layer, words)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW_ADDING_BUGS))
def test_lstm_adding_training_bug_fails(name: str) -> None:
    layer, words = SLOW_ADDING_BUGS[name]
    _assert_fails("lstm_adding", name, layer, words)


CORRECT_VARIANTS = {("lstm_cell", "alt_separate_gates"), ("lstm_adding", "alt_packed"),
                    ("lstm_adding", "ok_dropout")}


def test_every_variant_is_tested() -> None:
    listed = {**CELL_BUGS, **ADDING_BUGS, **SLOW_ADDING_BUGS}
    on_disk = {p.stem for p in VARIANTS.glob("*/bug_*.py")}
    assert on_disk == set(listed)
    others = {(p.parent.name, p.stem) for p in VARIANTS.glob("*/*.py")
              if not p.stem.startswith("bug_")}
    assert others == CORRECT_VARIANTS
    # Each check ships with at least three buggy variants, caught in the default (fast) run.
    fast = {"lstm_cell": CELL_BUGS, "lstm_adding": ADDING_BUGS}
    assert set(fast) == {e.id for e in module(MODULE).exercises}
    for exercise, bugs in fast.items():
        on_disk_here = {p.stem for p in (VARIANTS / exercise).glob("bug_*.py")}
        assert len(set(bugs) & on_disk_here) >= 3, exercise
