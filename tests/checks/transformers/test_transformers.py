"""Evidence for the transformers module's checks: references pass, stubs and known bugs fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import module, run_check, run_reference, run_stub

MODULE = "transformers"
VARIANTS = Path(__file__).parent / "variants"

# (exercise, variant file, expected layer, words the message must contain)
BUGS = [
    ("attention", "bug_no_scale.py", "values", "not scaled"),
    ("attention", "bug_scale_by_d.py", "values", "divided by d, not by sqrt(d)"),
    ("attention", "bug_softmax_dim.py", "values", "over the queries (dim=-2)"),
    ("attention", "bug_diagonal_masked.py", "values", "cannot attend to itself"),
    ("attention", "bug_mask_after_softmax.py", "values", "applied after the softmax"),
    ("attention", "bug_mask_fill_zero.py", "values", "fill them with float('-inf')"),
    ("attention", "bug_wrong_triangle.py", "values", "the wrong triangle"),
    ("attention", "bug_exp_overflow.py", "values", "overflows"),
    ("attention", "bug_detached.py", "gradients", "not connected"),
    ("attention", "bug_uses_library.py", "contract", "scaled_dot_product_attention"),
    ("attention", "bug_no_causal_param.py", "contract", "keep the signature"),
    ("multihead_positions", "bug_view_no_transpose.py", "values", "bare view(B, H, T, Dh)"),
    ("multihead_positions", "bug_merge_no_transpose.py", "values", "merged without moving"),
    ("multihead_positions", "bug_no_out_proj.py", "values", "no output projection"),
    ("multihead_positions", "bug_scale_model_dim.py", "values", "1/sqrt(d_model)"),
    ("multihead_positions", "bug_sincos_halves.py", "values", "interleaves"),
    ("multihead_positions", "bug_sincos_swapped.py", "values", "swapped"),
    ("multihead_positions", "bug_exponent_missing_two.py", "values", "it is 2i/d"),
    ("tiny_decoder", "bug_no_causal_mask.py", "probes", "looks into the future"),
    ("tiny_decoder", "bug_no_positions.py", "probes", "cannot tell positions apart"),
    ("tiny_decoder", "bug_loss_on_prompt.py", "values", "prompt included"),
    ("tiny_decoder", "bug_generate_first_position.py", "values", "FIRST position"),
    ("tiny_decoder", "bug_returns_probabilities.py", "contract", "returns probabilities"),
    ("tiny_decoder", "bug_mixes_batch.py", "probes", "across the batch"),
    ("tiny_decoder", "bug_no_config_kwargs.py", "contract", "keep the signature"),
]
SLOW_BUGS = [
    ("tiny_decoder", "bug_scaled_embeddings.py", "training", "held-out sequences exactly"),
    ("tiny_decoder", "bug_leak_learned.py", "probes",
     "after training, your model looks into the future"),
    ("tiny_decoder", "bug_leak_train_mode_only.py", "training",
     "differently in train mode"),
    ("tiny_decoder", "bug_positions_from_end.py", "training",
     "Shown the true digits so far, it predicts every answer digit"),
]
OK_VARIANTS = [
    ("attention", "ok_einsum_additive_mask.py"),
    ("multihead_positions", "ok_loop_over_heads.py"),
]
SLOW_OK_VARIANTS = [
    ("tiny_decoder", "ok_postnorm_sinusoidal.py"),
]


def _passes(verdict) -> None:
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, f"{verdict.layer}: {verdict.message}"


@pytest.mark.parametrize("exercise", ["attention", "multihead_positions"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_reference_passes(exercise: str, seed: int) -> None:
    _passes(run_reference(MODULE, exercise, seed))


def test_decoder_reference_passes_seed_0() -> None:
    verdict = run_reference(MODULE, "tiny_decoder", 0)
    _passes(verdict)
    assert verdict.metrics["exact_match"] >= 0.98


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_decoder_reference_passes_other_seeds(seed: int) -> None:
    _passes(run_reference(MODULE, "tiny_decoder", seed))


@pytest.mark.parametrize("exercise", ["attention", "multihead_positions", "tiny_decoder"])
def test_stub_fails_cleanly(exercise: str) -> None:
    verdict = run_stub(MODULE, exercise)
    assert not verdict.passed
    assert verdict.layer not in (None, "internal"), verdict.message
    assert "NotImplementedError" in verdict.message


def _fails_as_expected(exercise: str, name: str, layer: str, words: str) -> None:
    verdict = run_check(MODULE, exercise, VARIANTS / exercise / name)
    assert verdict.layer != "internal", verdict.message
    assert not verdict.passed, f"{name} passed"
    assert verdict.layer == layer, f"{name}: {verdict.layer}: {verdict.message}"
    assert words in verdict.message, f"{name}: {verdict.message}"


@pytest.mark.parametrize(("exercise", "name", "layer", "words"), BUGS,
                         ids=[f"{e}-{n}" for e, n, _, _ in BUGS])
def test_bug_is_named(exercise: str, name: str, layer: str, words: str) -> None:
    _fails_as_expected(exercise, name, layer, words)


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "name", "layer", "words"), SLOW_BUGS,
                         ids=[f"{e}-{n}" for e, n, _, _ in SLOW_BUGS])
def test_slow_bug_is_caught(exercise: str, name: str, layer: str, words: str) -> None:
    _fails_as_expected(exercise, name, layer, words)


@pytest.mark.parametrize(("exercise", "name"), OK_VARIANTS,
                         ids=[f"{e}-{n}" for e, n in OK_VARIANTS])
def test_correct_alternative_passes(exercise: str, name: str) -> None:
    _passes(run_check(MODULE, exercise, VARIANTS / exercise / name))


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "name"), SLOW_OK_VARIANTS,
                         ids=[f"{e}-{n}" for e, n in SLOW_OK_VARIANTS])
def test_slow_correct_alternative_passes(exercise: str, name: str) -> None:
    _passes(run_check(MODULE, exercise, VARIANTS / exercise / name))


def test_every_variant_is_listed() -> None:
    listed = {(e, n) for e, n, *_ in BUGS + SLOW_BUGS} | set(OK_VARIANTS + SLOW_OK_VARIANTS)
    on_disk = {(p.parent.name, p.name) for p in VARIANTS.glob("*/*.py")}
    assert on_disk == listed
    # Each check ships with at least three buggy variants, caught in the default (fast) run.
    for exercise in (e.id for e in module(MODULE).exercises):
        assert sum(1 for e, n, *_ in BUGS if e == exercise and n.startswith("bug_")) >= 3, exercise
