"""Helpers shared by dlpath's hands-on checks, so each check reads as a list of what it verifies.

A check is a file ``checks/<folder>/<name>.py`` with one function ``run(ctx: CheckContext)``. It
walks the layers in order (contract, values, gradients, probes, training), calls ``ctx.layer(..)``
as it enters each, and raises ``CheckFailure`` (via ``ctx.fail`` or the helpers here) at the first
problem. Returning normally means the learner passed.
"""

from checklib.compare import as_float64, assert_close, assert_shape, worst_element
from checklib.context import LAYERS, CheckContext, CheckFailure
from checklib.contract import forbid_loops, require_callable
from checklib.fingerprints import Fingerprint, match_fingerprint
from checklib.gradients import assert_gradient_close, numeric_gradient, rel_error
from checklib.training import seed_everything

__all__ = [
    "LAYERS",
    "CheckContext",
    "CheckFailure",
    "Fingerprint",
    "as_float64",
    "assert_close",
    "assert_gradient_close",
    "assert_shape",
    "forbid_loops",
    "match_fingerprint",
    "numeric_gradient",
    "rel_error",
    "require_callable",
    "seed_everything",
    "worst_element",
]
