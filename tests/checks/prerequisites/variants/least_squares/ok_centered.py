"""Correct: centre the data, solve with scipy.linalg.lstsq, recover the intercept."""

import scipy.linalg


def fit_linear(X, y):
    xm = X.mean(axis=0)
    ym = y.mean()
    w = scipy.linalg.lstsq(X - xm, y - ym)[0]
    return w, ym - xm @ w
