"""Check: the two models are what was asked, CV is honest (a spy model), the verdict follows
the numbers, the MLP sees scaled inputs, and on real data the measured scores hold up."""

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


def _check_verdicts(ctx: CheckContext, choose_model: Any) -> None:
    high = np.array([0.99, 0.98, 0.99, 1.0, 0.97])
    low = np.array([0.90, 0.91, 0.89, 0.92, 0.90])
    cases = [
        ((high, low, 0.01), "hgb", "the trees' mean is 0.986 and the MLP's 0.904"),
        ((low, high, 0.01), "mlp", "the trees' mean is 0.904 and the MLP's 0.986"),
        ((np.array([0.95, 0.96, 0.95, 0.96, 0.955]), np.array([0.96, 0.95, 0.96, 0.96, 0.96]),
          0.01), "tie", "the means are 0.955 and 0.958, within the margin 0.01"),
        ((np.array([1.0, 0.90, 0.90, 0.90, 0.90]), np.full(5, 0.95), 0.01), "mlp",
         "the trees' best fold is 1.0 but their mean is 0.92, against the MLP's 0.95"),
        ((high, high - 0.03, 0.05), "tie", "the trees lead by 0.03 with margin=0.05"),
    ]
    for (h, m, margin), expected, story in cases:
        got = choose_model(list(h), list(m), margin=margin)
        if not isinstance(got, str) or got not in VERDICTS:
            ctx.fail(f"choose_model should return one of {VERDICTS}, got {got!r}", "contract")
        if got == expected:
            continue
        if "best fold" in story:
            ctx.fail(f"choose_model says {got!r} when {story}: compare MEAN fold accuracies, "
                     "not the best (or any single) fold", "values")
        if margin != 0.01:
            ctx.fail(f"choose_model says {got!r} when {story}: use the `margin` argument, not "
                     "a fixed number", "values")
        if expected != "tie" and got not in ("tie", expected):
            ctx.fail(f"choose_model says {got!r} when {story}: your verdict contradicts the "
                     "numbers (is the comparison the wrong way round?)", "values")
        ctx.fail(f"choose_model says {got!r} when {story}; the verdict should be "
                 f"{expected!r}", "values")


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
    verdict = choose_model(list(h), list(m))
    gap = float(np.mean(h)) - float(np.mean(m))
    allowed = {"hgb"} if gap > 0.01 else {"mlp"} if gap < -0.01 else {"tie"}
    if abs(abs(gap) - 0.01) < 1e-9:  # on the edge of the margin, rounding decides
        allowed.add("tie")
    if verdict not in allowed:
        ctx.fail(f"on {data} your models scored {np.mean(h):.3f} (trees) and {np.mean(m):.3f} "
                 f"(MLP), yet choose_model says {verdict!r}: the verdict contradicts the "
                 "numbers", "training")
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
    ctx.log(f"breast cancer: trees {bh.mean():.3f}, MLP {bm.mean():.3f} -> {first!r}; "
            f"axis-aligned rule: trees {rh.mean():.3f}, MLP {rm.mean():.3f} -> {second!r}")


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
