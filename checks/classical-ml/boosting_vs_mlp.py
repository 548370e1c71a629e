"""Check: the two models are what was asked, CV is honest (a spy model), the verdict follows
the numbers (a winner only when the mean gap exceeds the spread of the per-fold differences),
the MLP sees scaled inputs, and on real data the measured scores hold up."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, as_float64, assert_close, require_callable
from checklib.classical_spy import Recorder, require_fold_pairs

VERDICTS = ("hgb", "mlp", "tie")
BREAST_CANCER_MIN = 0.95
RULE_HGB_MIN = 0.98


def axis_rule_data(seed: int, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """A label set by thresholds on single features, two skewed columns and five irrelevant ones:
    the kind of table where trees shine and a small MLP struggles."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, (n, 8))
    y = (((X[:, 0] > 0.3) & (X[:, 1] < 0.6)) | (X[:, 2] > 0.85)).astype(np.int64)
    X[:, 2] = np.exp(5.0 * X[:, 2])  # a relevant feature with a long right tail
    X[:, 3] = np.exp(6.0 * X[:, 3])  # an irrelevant one, likewise
    return X, y


def _final_step(model: Any) -> Any:
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def _check_models(ctx: CheckContext, make_hgb: Any, make_mlp: Any) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.neural_network import MLPClassifier

    for name, make, kind in (("make_hgb", make_hgb, HistGradientBoostingClassifier),
                             ("make_mlp", make_mlp, MLPClassifier)):
        a, b = make(7), make(7)
        final = _final_step(a)
        if not isinstance(final, kind):
            ctx.fail(f"{name}(seed) should return an unfitted {kind.__name__} (or a pipeline "
                     f"ending in one), got {type(final).__name__}", "contract")
        if a is b or _final_step(b) is final:
            ctx.fail(f"{name} returns the same object on every call: build a new model each "
                     "time", "contract")
        if final.get_params().get("random_state") != 7:
            ctx.fail(f"{name}(7) builds a model with random_state="
                     f"{final.get_params().get('random_state')!r}: pass random_state=seed, so "
                     "that every run (and every fold) is reproducible", "contract")


def _spy_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4000 + seed)
    n = 97
    X = rng.standard_normal((n, 6)) * np.array([1.0, 10.0, 100.0, 0.1, 5.0, 1.0]) + 3.0
    y = (rng.uniform(size=n) < 0.35).astype(np.int64)  # imbalanced: stratification matters
    return X, y


def _check_cv(ctx: CheckContext, cv_accuracy: Any) -> None:
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y = _spy_data(ctx.seed)
    k, what = 5, "`cv_accuracy`"
    recorder = Recorder(X, y)
    scores = cv_accuracy(recorder.factory, X.copy(), y.copy(), ctx.seed, k=k)
    asked = list(StratifiedKFold(k, shuffle=True, random_state=ctx.seed).split(X, y))
    predicted = [set(p.predict_rows.tolist()) for p in recorder.pairs]
    for wrong, words in (
        (KFold(k, shuffle=True, random_state=ctx.seed), "plain KFold"),
        (StratifiedKFold(k), "StratifiedKFold without shuffle=True, random_state=seed"),
    ):
        tests = [set(te.tolist()) for _, te in wrong.split(X, y)]
        if not recorder.foreign and all(t in predicted for t in tests) and not all(
            set(te.tolist()) in predicted for _, te in asked
        ):
            ctx.fail(f"{what} splits with {words}; use StratifiedKFold(n_splits=k, "
                     "shuffle=True, random_state=seed), so both models are scored on the "
                     "same, class-balanced folds", "values")
    expected = require_fold_pairs(recorder, asked, what, "values")
    got = as_float64(scores, f"what {what} returns")
    if got.shape != (k,):
        ctx.fail(f"{what} should return the {k} fold accuracies, shape ({k},), got shape "
                 f"{got.shape}", "contract")
    assert_close(got, expected, f"the fold accuracies of {what}", rtol=0, atol=1e-9,
                 inputs="(with a model whose predictions we know)", fingerprints=[
                     Fingerprint(1 - np.asarray(expected), "your fold scores are error rates: "
                                 "return accuracies")])


def verdict_rule(h: np.ndarray, m: np.ndarray) -> tuple[float, float, str]:
    """The task's rule: the mean of the per-fold differences against their spread (ddof=1)."""
    d = np.asarray(h, dtype=np.float64) - np.asarray(m, dtype=np.float64)
    gap, spread = float(d.mean()), float(d.std(ddof=1))
    return gap, spread, "hgb" if gap > spread else "mlp" if gap < -spread else "tie"


def _best_fold_answers(h: np.ndarray, m: np.ndarray, spread: float) -> set[str]:
    """What a rule that compares the best folds says, with any usual threshold."""
    best = float(np.max(h)) - float(np.max(m))
    return {"hgb" if best > t else "mlp" if best < -t else "tie" for t in (0.0, 0.01, spread)}


def _wrong_verdict(got: str, h: np.ndarray, m: np.ndarray, story: str, paired: bool = False,
                   best_fold: bool = False) -> str | None:
    """None when ``got`` is the task's verdict, else a message that says what is wrong."""
    gap, spread, expected = verdict_rule(h, m)
    if got == expected:
        return None
    head = f"choose_model says {got!r} when {story}"
    if best_fold and got in _best_fold_answers(h, m, spread):
        return f"{head}: compare MEAN fold accuracies, not the best (or any single) fold"
    leader = "hgb" if gap > 0 else "mlp"
    if got != "tie" and got != leader:
        return (f"{head}: your verdict contradicts the numbers (is the comparison the wrong way "
                "round?)")
    if got != "tie":
        return (f"{head}: the mean gap ({gap:+.3f}) is inside the spread of the per-fold "
                f"differences (their standard deviation, {spread:.3f}), so the folds disagree "
                "more than the means differ and the gap is noise: answer 'tie' unless "
                "|mean gap| > spread (a fixed margin such as 0.01 ignores how much the folds "
                "disagree; the standard error, spread / sqrt(number of folds), or a fraction of "
                "the spread sets the bar too low)")
    times = f"{abs(gap) / spread:.1f} times" if spread > 0 else "above"
    message = (f"{head}: the mean gap ({gap:+.3f}) is {times} the spread of the per-fold "
               f"differences hgb_i - mlp_i (std {spread:.4f}), a clear lead: name the winner "
               "when |mean gap| > spread")
    if paired:
        message += (". Measure the spread on the paired differences, not on each model's own "
                    "scores: both models see the same folds, and a hard fold is hard for both")
    return message


# (hgb scores, mlp scores, what they show, paired, best fold): the verdict is verdict_rule's
VERDICT_CASES = (
    ([0.99, 0.98, 0.99, 1.0, 0.97], [0.90, 0.91, 0.89, 0.92, 0.90],
     "the trees lead by 0.082 and every fold agrees", False, False),
    ([0.90, 0.91, 0.89, 0.92, 0.90], [0.99, 0.98, 0.99, 1.0, 0.97],
     "the MLP leads by 0.082 and every fold agrees", False, False),
    ([0.97, 0.93, 0.96, 0.94, 0.95], [0.91, 0.96, 0.91, 0.97, 0.90],
     "the trees lead by 0.020 on average, but the MLP wins two of the five folds", False, False),
    ([1.00, 0.92, 0.92, 0.91, 0.92, 0.93, 0.92, 0.92, 0.92, 0.93],
     [0.97, 0.96, 0.96, 0.95, 0.96, 0.97, 0.96, 0.96, 0.96, 0.97],
     "on 10 folds the trees' best fold is 1.00 against the MLP's 0.97, but their mean is 0.929 "
     "against the MLP's 0.962", False, True),
    ([0.90, 0.95, 0.85, 0.96, 0.92], [0.92, 0.975, 0.865, 0.98, 0.94],
     "the folds differ in difficulty (0.85 to 0.98) but the MLP is ahead on every one, by 0.01 "
     "to 0.025", True, False),
    # Near the rule's edge (|gap| = 0.70 and 1.29 times the spread). In the first, a standard
    # error (spread / sqrt(5)) or half the spread calls a winner; the second fails a bar set
    # too high (1.5 times the spread, say), which calls a tie.
    ([0.95, 0.94, 0.94, 0.96, 0.94], [0.91, 0.95, 0.93, 0.92, 0.94],
     "the trees lead by 0.016 on average and win three of the five folds, but the per-fold "
     "differences (-0.01 to +0.04) spread by 0.023", False, False),
    ([0.93, 0.95, 0.91, 0.94, 0.92], [0.97, 0.95, 0.96, 0.95, 0.96],
     "the MLP leads by 0.028 on average, ahead on four folds and level on one, and the per-fold "
     "differences spread by 0.022", False, False),
)


def _check_verdicts(ctx: CheckContext, choose_model: Any) -> None:
    for h, m, story, paired, best_fold in VERDICT_CASES:
        got = choose_model(list(h), list(m))
        if not isinstance(got, str) or got not in VERDICTS:
            ctx.fail(f"choose_model should return one of {VERDICTS}, got {got!r}", "contract")
        wrong = _wrong_verdict(got, np.array(h), np.array(m), story, paired, best_fold)
        if wrong is not None:
            ctx.fail(wrong, "values")


def _scaling_probe(ctx: CheckContext, make_mlp: Any) -> None:
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(5000 + ctx.seed)
    order = rng.permutation(len(X))
    train, test = order[:300], order[300:400]
    scales = 10.0 ** rng.uniform(-2.0, 2.0, X.shape[1])
    plain = make_mlp(ctx.seed).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    rescaled = make_mlp(ctx.seed).fit(X[train] * scales, y[train]).predict_proba(
        X[test] * scales)[:, 1]
    worst = float(np.max(np.abs(plain - rescaled)))
    if worst > 1e-4:
        ctx.fail("your MLP's predictions change when the features are rescaled (by up to "
                 f"{worst:.2f} in probability): it sees the raw feature scales (mean area is "
                 "in the hundreds, smoothness below 0.2), which slows and skews its training. "
                 "Put a StandardScaler before the MLPClassifier inside the pipeline", "probes")


def _consistent(ctx: CheckContext, choose_model: Any, h: np.ndarray, m: np.ndarray,
                data: str) -> str:
    """The verdict on measured scores must follow the rule; near its edge either answer goes
    (the spread with ddof=0, a floor of 0.01 under the spread: cautious variants agree)."""
    verdict = choose_model(list(h), list(m))
    gap, spread, expected = verdict_rule(h, m)
    allowed = {expected}
    if abs(gap) > 0.85 * spread:
        allowed.add("hgb" if gap > 0 else "mlp")
    if abs(gap) <= max(1.05 * spread, 0.01):
        allowed.add("tie")
    if verdict not in allowed:
        story = (f"your models scored {np.mean(h):.3f} (trees) and {np.mean(m):.3f} (MLP) on "
                 f"{data}")
        ctx.fail(_wrong_verdict(str(verdict), h, m, story) or "", "training")
    return str(verdict)


def _outcome(ctx: CheckContext, learner: Any) -> None:
    from sklearn.datasets import load_breast_cancer

    seed = ctx.seed
    step = 0

    def measure(name: str, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        nonlocal step
        make = getattr(learner, f"make_{name}")
        scores = np.asarray(learner.cv_accuracy(lambda: make(seed), X, y, seed),
                            dtype=np.float64)
        step += 1
        ctx.progress(step, 4, metric=float(scores.mean()), metric_name=f"{name} CV accuracy")
        return scores

    X, y = load_breast_cancer(return_X_y=True)
    bh = measure("hgb", X, y)
    ctx.metric("breast_cancer_hgb", float(bh.mean()))
    if bh.mean() < BREAST_CANCER_MIN:
        ctx.fail(f"on breast cancer your HistGradientBoosting reaches {bh.mean():.3f} mean "
                 f"5-fold accuracy; it should reach {BREAST_CANCER_MIN}. Revisit its settings "
                 "(enough boosting iterations? shallow trees help on 569 rows)", "training")
    bm = measure("mlp", X, y)
    ctx.metric("breast_cancer_mlp", float(bm.mean()))
    if bm.mean() < BREAST_CANCER_MIN:
        ctx.fail(f"on breast cancer your MLP reaches {bm.mean():.3f} mean 5-fold accuracy; it "
                 f"should reach {BREAST_CANCER_MIN}. Revisit its settings (scaling inside the "
                 "pipeline, hidden units, max_iter)", "training")
    first = _consistent(ctx, learner.choose_model, bh, bm, "breast cancer")

    X, y = axis_rule_data(7000 + seed)
    rh = measure("hgb", X, y)
    ctx.metric("rule_hgb", float(rh.mean()))
    if rh.mean() < RULE_HGB_MIN:
        ctx.fail(f"on the axis-aligned rule your HistGradientBoosting reaches {rh.mean():.3f}; "
                 f"boosted trees should reach {RULE_HGB_MIN} on thresholds like these (are there "
                 "enough boosting iterations?)", "training")
    rm = measure("mlp", X, y)
    ctx.metric("rule_mlp", float(rm.mean()))
    if rh.mean() <= rm.mean():
        ctx.fail(f"on the axis-aligned rule your MLP ({rm.mean():.3f}) is not beaten by your "
                 f"boosted trees ({rh.mean():.3f}); on thresholds over single features the "
                 "trees should win", "training")
    second = _consistent(ctx, learner.choose_model, rh, rm, "the axis-aligned rule")
    ctx.log(f"breast cancer: trees {bh.mean():.3f}, MLP {bm.mean():.3f}, spread of the fold "
            f"differences {verdict_rule(bh, bm)[1]:.3f} -> {first!r}; axis-aligned rule: trees "
            f"{rh.mean():.3f}, MLP {rm.mean():.3f}, spread {verdict_rule(rh, rm)[1]:.3f} -> "
            f"{second!r}")


def run(ctx: CheckContext) -> None:
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    ctx.layer("contract")
    make_hgb = require_callable(ctx.learner, "make_hgb")
    make_mlp = require_callable(ctx.learner, "make_mlp")
    cv_accuracy = require_callable(ctx.learner, "cv_accuracy")
    choose_model = require_callable(ctx.learner, "choose_model")
    _check_models(ctx, make_hgb, make_mlp)

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ctx.layer("values")
        _check_cv(ctx, cv_accuracy)
        _check_verdicts(ctx, choose_model)

        ctx.layer("probes")
        _scaling_probe(ctx, make_mlp)

        ctx.layer("training")
        _outcome(ctx, ctx.learner)
