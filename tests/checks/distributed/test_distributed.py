"""Evidence for the distributed check (ddp_gloo).

The reference passes on seeds 0, 1 and 2; the stub fails cleanly; every buggy variant
(variants/ddp_gloo/bug_*.py) fails in the expected layer with a message that names the bug; other
correct answers (ok_*.py: DistributedDataParallel, a flat all-reduce buffer, a loader that
fetches whole batches through a BatchSampler) pass. Slow tests show that a deadlocked or
spinning rank fails the check within its budget, and that the spawn start method (used where
fork is not) gives the same results.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from harness import exercise, run_check, run_reference, run_stub

MODULE, EXERCISE = "distributed", "ddp_gloo"
VARIANTS = Path(__file__).parent / "variants" / EXERCISE

# variant -> (layer, words the message must contain)
BUGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bug_sum_no_divide": ("values", ("summed", "without dividing by the world size")),
    "bug_double_divide": ("values", ("divided by 2 again",)),
    "bug_hardcoded_two": ("values", ("you divided by 2, not by dist.get_world_size()",
                                     "on 3 ranks")),
    "bug_num_workers": ("contract", ("num_workers=2", "num_workers=0")),
    "bug_all_data": ("values", ("reads all 96 samples", "DistributedSampler")),
    "bug_seed_plus_rank": ("values", ("both read sample", "not seed + rank")),
    "bug_no_shuffle": ("values", ("does not reshuffle", "shuffle=True")),
    "bug_no_set_epoch": ("probes", ("same order in epochs 0 and 1", "set_epoch")),
    "bug_train_reads_everything": ("probes", ("36 steps", "every rank reads the whole data set")),
    "bug_loss_all_reduce": ("training", ("different parameters", "not the loss")),
    "bug_rank0_logging": ("probes", ("different collectives", "1 element(s) on rank 0")),
    "bug_early_stop_one_rank": ("probes", ("same number of collective calls",
                                           "early-stopping")),
}


def test_reference_passes_seed_0():
    verdict = run_reference(MODULE, EXERCISE, seed=0)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, verdict.message
    assert verdict.metrics["max |param - single-process param|"] < 1e-12


@pytest.mark.parametrize("seed", [1, 2])
def test_reference_passes_other_seeds(seed):
    verdict = run_reference(MODULE, EXERCISE, seed=seed)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, verdict.message


def test_stub_fails_cleanly():
    verdict = run_stub(MODULE, EXERCISE)
    assert not verdict.passed
    assert verdict.layer != "internal", verdict.message
    assert "NotImplementedError" in verdict.message


@pytest.mark.parametrize("variant", sorted(BUGS))
def test_bug_is_named(variant):
    layer, words = BUGS[variant]
    verdict = run_check(MODULE, EXERCISE, VARIANTS / f"{variant}.py")
    assert verdict.layer != "internal", verdict.message
    assert not verdict.passed, f"{variant} passed"
    assert verdict.layer == layer, verdict.message
    for word in words:
        assert word in verdict.message, verdict.message


@pytest.mark.parametrize("path", sorted(VARIANTS.glob("ok_*.py")), ids=lambda p: p.stem)
def test_other_correct_answers_pass(path):
    verdict = run_check(MODULE, EXERCISE, path)
    assert verdict.layer != "internal", verdict.message
    assert verdict.passed, verdict.message


def test_every_variant_file_is_listed():
    assert {p.stem for p in VARIANTS.glob("bug_*.py")} == set(BUGS)
    assert len(BUGS) >= 3


def test_a_rank_that_raises_is_reported_with_its_line(tmp_path):
    source = (Path(exercise(MODULE, EXERCISE).solution)).read_text()
    broken = source.replace("    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n",
                            "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
                            "    if rank == 1:\n        raise ValueError('rank 1 is unhappy')\n")
    assert broken != source
    learner = tmp_path / "ddp_gloo.py"
    learner.write_text(broken)
    verdict = run_check(MODULE, EXERCISE, learner)
    assert not verdict.passed and verdict.layer == "probes", verdict.message
    assert "rank 1 raised ValueError: rank 1 is unhappy" in verdict.message, verdict.message
    assert "ddp_gloo.py, line" in verdict.message, verdict.message


HANGS = {
    # both ranks wait for a message the other never sends: gloo's timeout ends it
    "recv": ("        dist.recv(torch.zeros(1), src=1 - rank)\n", "waited for its peer"),
    # rank 1 spins forever without a collective; rank 0 times out in its first all_reduce
    "spin": ("        while rank == 1:\n            pass\n", "rank 1 never finished"),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HANGS))
def test_a_hang_fails_cleanly_within_the_budget(tmp_path, kind):
    source = Path(exercise(MODULE, EXERCISE).solution).read_text()
    anchor = "        sampler.set_epoch(epoch)"
    anchor = next(line for line in source.splitlines(keepends=True) if anchor in line)
    learner = tmp_path / "ddp_gloo.py"
    code, words = HANGS[kind]
    learner.write_text(source.replace(anchor, anchor + code))
    started = time.monotonic()
    verdict = run_check(MODULE, EXERCISE, learner)
    elapsed = time.monotonic() - started
    assert not verdict.passed and verdict.layer == "probes", verdict.message
    assert words in verdict.message, verdict.message
    assert elapsed < exercise(MODULE, EXERCISE).time_budget / 2, elapsed


@pytest.mark.slow
def test_spawned_ranks_give_the_same_result_as_forked_ones():
    """Where fork is not available (macOS, Windows) the ranks are spawned and import the
    learner's file themselves; the results must not depend on the start method."""
    import numpy as np

    from dlpath.paths import checks_dir

    checks = str(checks_dir())
    if checks not in sys.path:
        sys.path.insert(0, checks)
    from checklib.distributed_ranks import launch

    solution = Path(exercise(MODULE, EXERCISE).solution)
    rng = np.random.default_rng(0)
    state = {"0.weight": rng.normal(size=(8, 5)), "0.bias": rng.normal(size=8),
             "2.weight": rng.normal(size=(1, 8)), "2.bias": rng.normal(size=1)}
    job = {"state": state, "X": rng.normal(size=(96, 5)), "Y": rng.normal(size=(96, 1)),
           "probe_grads": [state, state], "epochs": 2, "batch_size": 8, "lr": 0.1, "seed": 3}
    runs = {}
    for method in ("fork", "spawn"):
        results = launch(None, solution, job, 2, deadline_s=120.0, method=method)
        assert all(r.error is None and r.params is not None for r in results), \
            [(r.error, r.log_tail[-300:]) for r in results]
        runs[method] = results
    for a, b in zip(runs["fork"], runs["spawn"], strict=True):
        assert a.batches == b.batches
        for name in a.params:
            np.testing.assert_array_equal(a.params[name], b.params[name])


@pytest.mark.slow
def test_a_port_taken_by_another_program_is_retried(monkeypatch):
    """free_port() picks a port and releases it; if something grabs it before rank 0 listens,
    the run is repeated on another port instead of failing the learner."""
    import socket

    from dlpath.paths import checks_dir

    if str(checks_dir()) not in sys.path:
        sys.path.insert(0, str(checks_dir()))
    import checklib.distributed_ranks as ranks

    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    taken = squatter.getsockname()[1]
    real_free_port, calls = ranks.free_port, []

    def first_one_taken() -> int:
        calls.append(1)
        return taken if len(calls) == 1 else real_free_port()

    monkeypatch.setattr(ranks, "free_port", first_one_taken)
    try:
        verdict = run_reference(MODULE, EXERCISE, seed=0)
    finally:
        squatter.close()
    assert len(calls) == 3  # the taken port, its retry, then the three-rank averaging run
    assert verdict.passed, verdict.message
