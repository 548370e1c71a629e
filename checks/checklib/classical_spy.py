"""A spy classifier that records which rows a learner's cross-validation fits and scores on.

The classical-ml checks hand a learner's CV function a factory of ``SpyClassifier`` models
instead of real ones. Every ``fit`` and ``predict`` call is logged with the indices of the rows
it received (rows are identified by their bytes, so the data must have unique rows), which lets a
check say exactly what went wrong: the model saw its own test fold, X was changed before the
split, a fold was scored on its training rows, the folds are not the ones asked for.

Predictions are a fixed function of the row index (right for most rows, wrong for every third),
so the accuracy each fold should report is known in advance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from checklib.context import CheckFailure


@dataclass
class Pair:
    """One predict call: the rows the model was fitted on, and the rows it predicted."""

    fit_rows: np.ndarray | None
    predict_rows: np.ndarray


@dataclass
class Recorder:
    """The data handed to the learner, and the log of what the spy models saw."""

    X: np.ndarray
    y: np.ndarray
    fits: list[np.ndarray] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    foreign: list[np.ndarray] = field(default_factory=list)  # matrices not made of X's rows
    bad_labels: int = 0
    factory_calls: int = 0

    def __post_init__(self) -> None:
        self.X = np.ascontiguousarray(self.X, dtype=np.float64)
        self._index = {row.tobytes(): i for i, row in enumerate(self.X)}
        if len(self._index) != len(self.X):
            raise ValueError("the spy needs data with unique rows")

    def rows_of(self, X: Any) -> np.ndarray | None:
        """Indices of ``X``'s rows in the original data, or None if any row is not one of them."""
        arr = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
        if arr.ndim != 2 or arr.shape[1] != self.X.shape[1]:
            self.foreign.append(arr)
            return None
        found = [self._index.get(row.tobytes()) for row in arr]
        if any(i is None for i in found):
            self.foreign.append(arr)
            return None
        return np.array(found, dtype=np.int64)

    def predictions(self, rows: np.ndarray) -> np.ndarray:
        """What the spy predicts for these rows: the true label, except on every third row."""
        truth = self.y[rows]
        wrong = rows % 3 == 0
        return np.where(wrong, 1 - truth, truth)

    def accuracy(self, rows: np.ndarray) -> float:
        return float(np.mean(self.predictions(rows) == self.y[rows]))

    def factory(self) -> Any:
        """A fresh, unfitted spy model, as a learner's ``model_factory()`` returns one."""
        self.factory_calls += 1
        return _spy_class(self)()


def _spy_class(recorder: Recorder) -> type:
    from sklearn.base import BaseEstimator, ClassifierMixin

    class SpyClassifier(ClassifierMixin, BaseEstimator):
        """Records its calls; ``sklearn.base.clone`` keeps the class, hence the recorder."""

        def fit(self, X: Any, y: Any) -> SpyClassifier:
            rows = recorder.rows_of(X)
            self.fit_rows_ = rows
            self.classes_ = np.array([0, 1])
            if rows is not None:
                recorder.fits.append(rows)
                if not np.array_equal(np.asarray(y).ravel(), recorder.y[rows]):
                    recorder.bad_labels += 1
            return self

        def predict(self, X: Any) -> np.ndarray:
            rows = recorder.rows_of(X)
            if rows is None:
                return np.zeros(len(np.asarray(X)), dtype=np.int64)
            recorder.pairs.append(Pair(getattr(self, "fit_rows_", None), rows))
            return recorder.predictions(rows)

        def predict_proba(self, X: Any) -> np.ndarray:
            labels = self.predict(X)
            return np.stack([1.0 - labels, labels.astype(np.float64)], axis=1)

    return SpyClassifier


def foreign_description(recorder: Recorder, what: str) -> str | None:
    """If the spy was handed data that is not made of the original rows, say how it differs."""
    if not recorder.foreign:
        return None
    got = recorder.foreign[0]
    n_cols = recorder.X.shape[1]
    lead = (f"{what} changed X before splitting it: the model was fitted on data that is not "
            "made of the rows you were given")
    leak = ("Anything fitted on the whole data set before the split (feature selection, "
            "scaling) has already seen the test folds, and the CV score comes out optimistic. "
            "Split first, and let the model's pipeline fit its preprocessing inside each fold")
    if got.ndim == 2 and got.shape[1] < n_cols:
        return (f"{lead} (it had {got.shape[1]} columns, not {n_cols}): you select features on "
                f"the whole data set before the split. {leak}.")
    if got.ndim == 2 and got.shape[1] == n_cols:
        mean, std = recorder.X.mean(axis=0), recorder.X.std(axis=0)
        scaled = (recorder.X - mean) / np.where(std > 0, std, 1.0)
        distance = np.abs(got[:, None, :] - scaled[None, :, :]).max(axis=2).min(axis=1)
        if np.all(distance < 1e-6):
            return (f"{lead}: they are standardized with the mean and standard deviation of the "
                    f"whole data set, so you scale before the split. {leak}.")
    return f"{lead}. {leak}."


def require_fold_pairs(
    recorder: Recorder, folds: list[tuple[np.ndarray, np.ndarray]], what: str, layer: str
) -> list[float]:
    """Require, for every fold, a model fitted on exactly its training rows that predicted
    exactly its test rows. Returns the accuracy each fold should report, in fold order."""
    described = foreign_description(recorder, what)
    if described:
        raise CheckFailure(described, layer)
    if recorder.factory_calls == 0:
        raise CheckFailure(f"{what} never called `model_factory()`: build each fold's model "
                           "with it", layer)
    if not recorder.fits:
        raise CheckFailure(f"{what} never fitted the models that `model_factory()` returned",
                           layer)
    if recorder.bad_labels:
        raise CheckFailure(f"{what} fitted a model on labels that do not belong to its rows: "
                           "index X and y with the same training indices", layer)
    n = len(recorder.X)
    expected = []
    for number, (train, test) in enumerate(folds, start=1):
        train_set, test_set = set(train.tolist()), set(test.tolist())
        scored = [p for p in recorder.pairs if set(p.predict_rows.tolist()) == test_set]
        if not scored:
            on_train = [p for p in recorder.pairs if set(p.predict_rows.tolist()) == train_set]
            if on_train:
                raise CheckFailure(
                    f"{what} never predicted fold {number}'s test rows, but it did predict its "
                    "training rows: you score each model on the data it was fitted on. Score it "
                    "on the held-out test fold", layer)
            raise CheckFailure(
                f"{what} never predicted the test rows of fold {number} (the test fold of "
                "`kfold_indices`/the splitter asked for). Fit on each fold's training rows, "
                "then predict exactly its test rows", layer)
        fitted = [p.fit_rows for p in scored if p.fit_rows is not None]
        if not fitted:
            raise CheckFailure(f"{what} predicted fold {number} with a model that was never "
                               "fitted: fit a fresh model on each fold's training rows", layer)
        good = [f for f in fitted if set(f.tolist()) == train_set]
        if not good:
            rows = set(fitted[-1].tolist())
            if rows & test_set:
                extra = " (it was fitted on every row)" if len(rows) == n else ""
                raise CheckFailure(
                    f"the model that {what} scored on fold {number}'s test rows was fitted on "
                    f"{len(rows & test_set)} of those same rows{extra}: the test fold was used "
                    "for fitting, so the score measures memory, not generalisation. Fit on the "
                    "training rows only", layer)
            raise CheckFailure(
                f"the model that {what} scored on fold {number} was fitted on {len(rows)} rows, "
                f"not on that fold's {len(train_set)} training rows: fit on all the rows outside "
                "the test fold", layer)
        expected.append(recorder.accuracy(test))
    return expected
