"""Check: k-fold indices against sklearn's KFold, a pipeline against an oracle, and a CV loop
that keeps every test fold out of fitting (a spy model, then a pure-noise probe)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, as_float64, assert_close, require_callable
from checklib.classical_spy import Recorder, require_fold_pairs

NOISE_THRESHOLD = 0.68  # mean of 3 noise draws: honest ~0.50 (sd 0.037), leaky ~0.88


def _as_folds(ctx: CheckContext, result: Any, n: int, k: int, call: str) -> list:
    """The learner's folds as a list of (train, test) integer arrays, or a contract failure."""
    try:
        folds = list(result)
    except TypeError:
        ctx.fail(f"{call} should return a list of (train_idx, test_idx) pairs, "
                 f"got {type(result).__name__}", "contract")
    if len(folds) != k:
        ctx.fail(f"{call} returned {len(folds)} folds, expected k = {k}", "contract")
    clean = []
    for number, pair in enumerate(folds, start=1):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            ctx.fail(f"fold {number} of {call} should be a pair (train_idx, test_idx)", "contract")
        arrays = [np.asarray(part) for part in pair]
        for name, arr in zip(("train_idx", "test_idx"), arrays, strict=True):
            if arr.dtype == bool:
                ctx.fail(f"{name} of fold {number} is a boolean mask; return integer indices "
                         "(np.flatnonzero turns a mask into indices)", "contract")
            if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
                ctx.fail(f"{name} of fold {number} of {call} should be a 1-D array of integer "
                         f"indices, got dtype {arr.dtype} and shape {arr.shape}", "contract")
            if arr.size and (arr.min() < 0 or arr.max() >= n):
                ctx.fail(f"{name} of fold {number} of {call} holds index {int(arr.max())}, "
                         f"outside range({n})", "values")
        clean.append((arrays[0].astype(np.int64), arrays[1].astype(np.int64)))
    return clean


def _check_partition(ctx: CheckContext, folds: list, n: int, k: int, call: str) -> None:
    """Every sample in exactly one test fold; train = the rest; balanced sizes."""
    seen: dict[int, int] = {}
    for number, (_, test) in enumerate(folds, start=1):
        if len(set(test.tolist())) != len(test):
            ctx.fail(f"fold {number} of {call} lists the same test index twice", "values")
        for i in test.tolist():
            if i in seen:
                ctx.fail(f"the test folds of {call} overlap: sample {i} is in the test fold of "
                         f"fold {seen[i]} and of fold {number}. Each sample must be tested "
                         "exactly once", "values")
            seen[i] = number
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        remainder = n % k
        tail = list(range(n - remainder, n))
        if remainder and (missing == tail or len(missing) == remainder):
            ctx.fail(f"{call} never puts samples {missing} in a test fold: the remainder of "
                     f"n / k ({n} = {k} x {n // k} + {remainder}) is dropped. Spread it: the "
                     f"first n % k = {remainder} fold(s) get one extra sample each, as KFold "
                     "does",
                     "values")
        ctx.fail(f"{call} never tests samples {missing[:8]}{'...' if len(missing) > 8 else ''}: "
                 "every sample must be in exactly one test fold", "values")
    everything = set(range(n))
    for number, (train, test) in enumerate(folds, start=1):
        train_set = set(train.tolist())
        inside = train_set & set(test.tolist())
        if inside:
            ctx.fail(f"the training indices of fold {number} of {call} include {len(inside)} of "
                     "its own test indices: the model would be fitted on the samples it is "
                     "scored on. Train on every sample outside the test fold, and only those",
                     "values")
        if train_set | set(test.tolist()) != everything or len(train) != len(train_set):
            ctx.fail(f"the training indices of fold {number} of {call} should be every sample "
                     f"not in its test fold, once each ({n - len(test)} indices), got "
                     f"{len(train)}", "values")
    sizes = [len(test) for _, test in folds]
    expected = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
    if sorted(sizes, reverse=True) != expected:
        ctx.fail(f"{call} makes test folds of sizes {sizes}; with n = {n} and k = {k} they "
                 f"should be {expected}: sizes differ by at most one, the first n % k folds "
                 "getting the extra sample (as KFold and np.array_split do)", "values")


def _check_kfold(ctx: CheckContext, kfold_indices: Any) -> None:
    from sklearn.model_selection import KFold

    for n, k in [(10, 5), (10, 3), (103, 5), (7, 7), (5, 2)]:
        call = f"kfold_indices(n={n}, k={k}, shuffle=False)"
        folds = _as_folds(ctx, kfold_indices(n, k, shuffle=False, seed=ctx.seed), n, k, call)
        _check_partition(ctx, folds, n, k, call)
        if [len(t) for _, t in folds] != [len(t) for _, t in KFold(k).split(np.zeros(n))]:
            ctx.fail(f"{call} puts the extra samples in the wrong folds: sizes "
                     f"{[len(t) for _, t in folds]}; the first n % k folds get one more "
                     "sample (as KFold does)", "values")
        for number, ((_, test), (_, oracle)) in enumerate(
            zip(folds, KFold(k).split(np.zeros(n)), strict=True), start=1
        ):
            if not np.array_equal(np.sort(test), oracle):
                ctx.fail(f"without shuffling, fold {number} of {call} should test the "
                         f"contiguous block {oracle[0]}..{oracle[-1]} (as KFold does), got "
                         f"{np.sort(test)[:6].tolist()}...", "values")

    n, k = 50, 5
    call = f"kfold_indices(n={n}, k={k}, shuffle=True, seed={ctx.seed})"
    first = _as_folds(ctx, kfold_indices(n, k, shuffle=True, seed=ctx.seed), n, k, call)
    _check_partition(ctx, first, n, k, call)
    blocks = [set(t.tolist()) for _, t in KFold(k).split(np.zeros(n))]
    if [set(t.tolist()) for _, t in first] == blocks:
        ctx.fail(f"{call} returns the same contiguous blocks as shuffle=False: the shuffle "
                 "option is ignored. Permute range(n) with a generator seeded by `seed` first",
                 "values")
    again = _as_folds(ctx, kfold_indices(n, k, shuffle=True, seed=ctx.seed), n, k, call)
    if [set(t.tolist()) for _, t in again] != [set(t.tolist()) for _, t in first]:
        ctx.fail(f"calling {call} twice gives different folds: the shuffle must depend on "
                 "`seed` only (use np.random.default_rng(seed)), so results can be reproduced",
                 "values")
    other = _as_folds(ctx, kfold_indices(n, k, shuffle=True, seed=ctx.seed + 1), n, k, call)
    if [set(t.tolist()) for _, t in other] == [set(t.tolist()) for _, t in first]:
        ctx.fail(f"seeds {ctx.seed} and {ctx.seed + 1} give the same shuffled folds: "
                 "the shuffle ignores `seed`", "values")


def _pipeline_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1000 + seed)
    n, p = 160, 40
    X = rng.standard_normal((n + 40, p)) * 10.0 ** rng.uniform(-1, 2, p)  # wildly mixed scales
    signal = X[:, 2] / X[:, 2].std() - X[:, 5] / X[:, 5].std() + 0.5 * X[:, 11] / X[:, 11].std()
    y = (signal + 0.8 * rng.standard_normal(n + 40) > 0).astype(np.int64)
    return X[:n], y[:n], X[n:]


def _check_make_model(ctx: CheckContext, make_model: Any) -> None:
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    a, b = make_model(5), make_model(5)
    for name in ("fit", "predict", "predict_proba"):
        if not callable(getattr(a, name, None)):
            ctx.fail(f"make_model(5) should return a scikit-learn model with `.{name}`, got "
                     f"{type(a).__name__}", "contract")
    if a is b:
        ctx.fail("make_model returns the same object on every call: build a new, unfitted "
                 "pipeline each time, so no fold reuses another fold's fit", "contract")
    X, y, X_new = _pipeline_data(ctx.seed)

    def positive_proba(model: Any, X_fit: np.ndarray, X_eval: np.ndarray) -> np.ndarray:
        model.fit(X_fit, y)
        proba = as_float64(model.predict_proba(X_eval), "predict_proba's output")
        if proba.shape != (len(X_eval), 2):
            ctx.fail(f"after fitting, make_model(5).predict_proba gives shape {proba.shape}; "
                     f"expected ({len(X_eval)}, 2), one column per class", "contract")
        return proba[:, 1]

    got = positive_proba(a, X, X_new)
    oracle = make_pipeline(SelectKBest(f_classif, k=5), StandardScaler(), LogisticRegression())
    expected = oracle.fit(X, y).predict_proba(X_new)[:, 1]
    if not np.allclose(got, expected, rtol=0, atol=1e-4):
        scales = 10.0 ** np.linspace(-2, 2, X.shape[1])
        rescaled = positive_proba(make_model(5), X * scales, X_new * scales)
        if not np.allclose(rescaled, got, rtol=0, atol=1e-6):
            ctx.fail("your pipeline's predictions change when the columns of X are rescaled, so "
                     "it has no StandardScaler: the selected features keep their raw scales, "
                     "which changes what the regularised logistic regression learns. "
                     "Standardize after the selection", "values")
    fixed_k = make_pipeline(SelectKBest(f_classif, k=20), StandardScaler(), LogisticRegression())
    no_selection = make_pipeline(StandardScaler(), LogisticRegression())
    fingerprints = [
        Fingerprint(fixed_k.fit(X, y).predict_proba(X_new)[:, 1],
                    "make_model(5) keeps 20 features: use the `n_features` argument as "
                    "SelectKBest's k", atol=1e-4),
        Fingerprint(no_selection.fit(X, y).predict_proba(X_new)[:, 1],
                    "your pipeline keeps every feature: it needs SelectKBest(f_classif, "
                    "k=n_features) as its first step", atol=1e-4),
    ]
    assert_close(got, expected, "the probabilities of make_model(5) after fitting", rtol=0,
                 atol=1e-4, fingerprints=fingerprints,
                 inputs="(vs SelectKBest(f_classif, k=5) -> StandardScaler -> "
                        "LogisticRegression())")


def _check_cv_with_spy(ctx: CheckContext, cross_val_accuracy: Any, kfold_indices: Any) -> None:
    rng = np.random.default_rng(2000 + ctx.seed)
    n, p, k = 53, 30, 5
    X = rng.standard_normal((n, p)) * 10.0 ** rng.uniform(-1, 1, p) + rng.uniform(-5, 5, p)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    recorder = Recorder(X, y)
    what = "`cross_val_accuracy`"
    scores = cross_val_accuracy(recorder.factory, X.copy(), y.copy(), k=k, seed=ctx.seed)
    folds = [(np.asarray(tr, dtype=np.int64), np.asarray(te, dtype=np.int64))
             for tr, te in kfold_indices(n, k, shuffle=True, seed=ctx.seed)]
    expected = require_fold_pairs(recorder, folds, what, "probes")
    got = as_float64(scores, f"what {what} returns")
    if got.shape != (k,):
        ctx.fail(f"{what} should return one accuracy per fold, shape ({k},), got shape "
                 f"{got.shape}", "contract")
    train_acc = [recorder.accuracy(train) for train, _ in folds]
    assert_close(got, expected, f"the fold accuracies of {what}", rtol=0, atol=1e-9,
                 layer="probes", inputs="(with a model whose predictions we know)",
                 fingerprints=[
                     Fingerprint(1 - np.asarray(expected),
                                 "your fold scores are error rates: return accuracy, the "
                                 "fraction of test labels predicted right"),
                     Fingerprint(train_acc,
                                 "your fold scores are accuracies on the training rows: "
                                 "score each model on its test fold"),
                 ])


def _noise_probe(ctx: CheckContext, cross_val_accuracy: Any, make_model: Any) -> None:
    from sklearn.feature_selection import SelectKBest, f_classif

    rng = np.random.default_rng(3000 + ctx.seed)
    n, p, draws = 100, 5000, 3
    honest, leaky = [], []
    for draw in range(draws):
        X = rng.standard_normal((n, p))
        y = rng.permutation(np.repeat([0, 1], n // 2)).astype(np.int64)
        scores = cross_val_accuracy(lambda: make_model(20), X, y, k=5, seed=ctx.seed + draw)
        honest.append(float(np.mean(as_float64(scores, "what `cross_val_accuracy` returns"))))
        if draw == 0:  # what selecting on the whole data first would report, for comparison
            selected = SelectKBest(f_classif, k=20).fit_transform(X, y)
            leaky.append(float(np.mean(cross_val_accuracy(
                lambda: make_model(20), selected, y, k=5, seed=ctx.seed))))
        ctx.progress(draw + 1, draws, metric=honest[-1], metric_name="noise CV accuracy")
    mean = float(np.mean(honest))
    ctx.metric("noise_cv_accuracy", mean)
    ctx.metric("leaky_noise_cv_accuracy", leaky[0])
    if mean > NOISE_THRESHOLD:
        ctx.fail(f"on pure noise (n={n}, p={p}, labels independent of X; {draws} draws) your "
                 f"cross-validation reports {mean:.2f} accuracy; the truth is chance, 0.5. "
                 "Information from the test folds reaches training: something (feature "
                 "selection, scaling, the fit itself) is fitted on data that includes the test "
                 "fold", "probes")
    ctx.log(f"pure noise: honest CV {mean:.2f}; selecting the 20 features before the split "
            f"would have reported {leaky[0]:.2f}")


def run(ctx: CheckContext) -> None:
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    ctx.layer("contract")
    kfold_indices = require_callable(ctx.learner, "kfold_indices")
    make_model = require_callable(ctx.learner, "make_model")
    cross_val_accuracy = require_callable(ctx.learner, "cross_val_accuracy")

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ctx.layer("values")
        _check_kfold(ctx, kfold_indices)
        _check_make_model(ctx, make_model)

        ctx.layer("probes")
        _check_cv_with_spy(ctx, cross_val_accuracy, kfold_indices)
        _noise_probe(ctx, cross_val_accuracy, make_model)
