"""Evidence for the classical-ml checks: the references pass on several seeds, correct
solutions written differently pass too, the stubs fail cleanly, and each known bug fails in
the expected layer with words that name it."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import run_check, run_reference, run_stub

MODULE = "classical-ml"
VARIANTS = Path(__file__).parent / "variants"
EXERCISES = ["kfold_cv", "model_selection", "boosting_vs_mlp"]
SLOW = {"boosting_vs_mlp"}  # about 4 s of CPU per run: its extra seeds run with -m slow


def _seeded(seed: int) -> list:
    return [
        pytest.param(ex, seed, marks=pytest.mark.slow) if ex in SLOW else pytest.param(ex, seed)
        for ex in EXERCISES
    ]


@pytest.mark.parametrize("exercise,seed", [(ex, 0) for ex in EXERCISES] + _seeded(1) + _seeded(2))
def test_reference_passes(exercise: str, seed: int) -> None:
    verdict = run_reference(MODULE, exercise, seed)
    assert verdict.passed, f"{verdict.layer}: {verdict.message}"
    assert verdict.layer != "internal"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stub_fails_cleanly(exercise: str) -> None:
    verdict = run_stub(MODULE, exercise)
    assert not verdict.passed
    assert verdict.layer != "internal", verdict.message
    assert "NotImplementedError" in verdict.message


OK_VARIANTS = [
    pytest.param("kfold_cv", "ok_array_split.py", id="kfold_cv-array_split"),
    pytest.param("model_selection", "ok_normal_equations.py", id="model_selection-normal_eq"),
    pytest.param("boosting_vs_mlp", "ok_manual_loop.py", id="boosting_vs_mlp-manual_loop",
                 marks=pytest.mark.slow),
    pytest.param("boosting_vs_mlp", "ok_spread_floor.py", id="boosting_vs_mlp-spread_floor",
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("exercise,filename", OK_VARIANTS)
def test_other_correct_solutions_pass(exercise: str, filename: str) -> None:
    for seed in (0, 1):
        verdict = run_check(MODULE, exercise, VARIANTS / exercise / filename, seed=seed)
        assert verdict.passed, f"seed {seed}: {verdict.layer}: {verdict.message}"


# (exercise, variant, expected layer, words the message must contain)
BUGS = [
    ("kfold_cv", "remainder_dropped", "values", ["remainder", "dropped"]),
    ("kfold_cv", "overlapping_folds", "values", ["overlap", "exactly once"]),
    ("kfold_cv", "train_includes_test", "values", ["training indices", "own test indices"]),
    ("kfold_cv", "shuffle_ignored", "values", ["shuffle option is ignored"]),
    ("kfold_cv", "unseeded_shuffle", "values", ["twice", "seed"]),
    ("kfold_cv", "no_scaler", "values", ["no StandardScaler"]),
    ("kfold_cv", "select_before_split", "probes", ["select features", "before the split"]),
    ("kfold_cv", "scale_before_split", "probes", ["standardized", "before the split"]),
    ("kfold_cv", "fit_on_all_rows", "probes", ["test fold was used for fitting"]),
    ("kfold_cv", "score_on_train", "probes", ["training rows", "held-out test fold"]),
    ("model_selection", "train_error_selection", "values", ["TRAINING error"]),
    ("model_selection", "no_held_out", "values", ["no held-out data"]),
    ("model_selection", "fit_on_validation", "values", ["fitted on the validation set"]),
    ("model_selection", "fit_on_train_and_val", "values", ["training + validation"]),
    ("model_selection", "decreasing_powers", "values", ["highest power", "increasing=True"]),
    ("model_selection", "returns_index", "values", ["position of the best degree"]),
    ("model_selection", "rmse", "values", ["root-mean-squared"]),
    ("boosting_vs_mlp", "mlp_no_scaler", "probes", ["rescaled", "StandardScaler"]),
    ("boosting_vs_mlp", "scaler_outside_cv", "values", ["standardized", "before the split"]),
    ("boosting_vs_mlp", "plain_kfold", "values", ["plain KFold", "StratifiedKFold"]),
    ("boosting_vs_mlp", "verdict_inverted", "values", ["contradicts the numbers"]),
    ("boosting_vs_mlp", "verdict_best_fold", "values", ["MEAN fold accuracies"]),
    ("boosting_vs_mlp", "verdict_fixed_margin", "values", ["spread", "fixed margin"]),
    ("boosting_vs_mlp", "verdict_standard_error", "values",
     ["inside the spread", "standard error"]),
    ("boosting_vs_mlp", "verdict_unpaired_spread", "values",
     ["per-fold differences", "paired differences"]),
    ("boosting_vs_mlp", "weak_hgb", "training", ["HistGradientBoosting reaches", "0.95"]),
    ("boosting_vs_mlp", "unseeded_models", "contract", ["random_state=seed"]),
]


@pytest.mark.parametrize("exercise,bug,layer,words", BUGS, ids=[f"{b[0]}-{b[1]}" for b in BUGS])
def test_bug_is_named(exercise: str, bug: str, layer: str, words: list[str]) -> None:
    path = VARIANTS / exercise / f"bug_{bug}.py"
    verdict = run_check(MODULE, exercise, path)
    assert not verdict.passed, f"{bug} passed the check"
    assert verdict.layer == layer, f"{verdict.layer}: {verdict.message}"
    for word in words:
        assert word in verdict.message, f"{word!r} not in: {verdict.message}"


def test_every_variant_file_is_tested() -> None:
    tested = {f"{ex}/bug_{bug}.py" for ex, bug, _, _ in BUGS}
    tested |= {f"{p.values[0]}/{p.values[1]}" for p in OK_VARIANTS}
    on_disk = {f"{p.parent.name}/{p.name}" for p in VARIANTS.glob("*/*.py")}
    assert on_disk == tested
    for exercise in EXERCISES:
        assert len([b for b in BUGS if b[0] == exercise]) >= 3
