"""Check: data-parallel training on two gloo ranks equals one process on the whole batch.

Layers:
- contract: the three functions exist.
- values: `shard_loader` gives each of two ranks its own half of the data, covering it once,
  reshuffled by `set_epoch` (in this process, no process group needed); then, on two real
  ranks, `average_gradients` turns each rank's gradient into the mean over the ranks, and
  again on three ranks, so that a hard-coded 2 shows.
- probes: in the real two-rank run of `train_rank`, every rank calls the same collectives,
  reads only its shard in every epoch, and sees a new order each epoch (`set_epoch`).
- training: both ranks end with the same parameters, equal (float64) to a single process that
  takes one SGD step on the union of the ranks' batches at every step.
This exercise runs on the CPU whatever the device: gloo is the CPU backend.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, assert_close, require_callable
from checklib.distributed_ranks import RankResult, RecordingDataset, build_model, launch

WORLD = 2
AVERAGE_WORLD = 3  # average_gradients alone, also on this many ranks
N, D_IN, HIDDEN = 96, 5, 8
EPOCHS, BATCH, LR = 3, 8, 0.1
STEPS_PER_EPOCH = N // (WORLD * BATCH)
DEADLINE_S = 25.0
RTOL, ATOL = 1e-10, 1e-12  # averaged float64 gradients: the mean, up to rounding


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    for name in ("shard_loader", "average_gradients", "train_rank"):
        require_callable(ctx.learner, name)

    import torch
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_gloo_available()):
        ctx.fail("this PyTorch build has no torch.distributed with the gloo backend, which this "
                 "exercise needs: install an official PyTorch wheel from pytorch.org")
    rng = np.random.default_rng(ctx.seed)
    X = rng.normal(size=(N, D_IN))
    Y = np.tanh(X @ rng.normal(size=(D_IN, 1))) + 0.1 * rng.normal(size=(N, 1))
    torch.manual_seed(ctx.seed)
    init = build_model({"0.weight": np.zeros((HIDDEN, D_IN)), "0.bias": np.zeros(HIDDEN),
                        "2.weight": np.zeros((1, HIDDEN)), "2.bias": np.zeros(1)})
    for p in init.parameters():
        torch.nn.init.normal_(p, std=0.5)
    state = {k: v.detach().numpy().copy() for k, v in init.state_dict().items()}

    ctx.layer("values")
    _check_sharding(ctx, X, Y)

    probe_grads = [{k: rng.normal(size=v.shape) for k, v in state.items()} for _ in range(WORLD)]
    job = {"state": state, "X": X, "Y": Y, "probe_grads": probe_grads, "epochs": EPOCHS,
           "batch_size": BATCH, "lr": LR, "seed": ctx.seed}
    ctx.progress(0, 3, force=True)
    ctx.log(f"starting {WORLD} gloo ranks on 127.0.0.1")
    results = launch(ctx.learner, ctx.learner_path, job, WORLD, deadline_s=DEADLINE_S)
    ctx.progress(1, 3, force=True)
    _check_averaging(ctx, results, probe_grads)
    # a hard-coded 2 is right on two ranks: average_gradients alone on three (cheap)
    more_grads = [{k: rng.normal(size=v.shape) for k, v in state.items()}
                  for _ in range(AVERAGE_WORLD)]
    ctx.log(f"starting {AVERAGE_WORLD} gloo ranks for average_gradients alone")
    alone = launch(ctx.learner, ctx.learner_path,
                   {"state": state, "probe_grads": more_grads, "train": False},
                   AVERAGE_WORLD, deadline_s=DEADLINE_S)
    _check_averaging(ctx, alone, more_grads)

    ctx.layer("probes")
    _check_ranks_finished(ctx, results)
    _check_batches(ctx, results)
    ctx.progress(2, 3, force=True)

    ctx.layer("training")
    _check_parameters(ctx, results, state, X, Y)
    ctx.progress(3, 3, force=True)


# ---------------------------------------------------------------- sharding, in this process

def _loader_indices(ctx: CheckContext, X: Any, Y: Any, rank: int, epoch: int,
                    seed: int) -> list[int]:
    dataset = RecordingDataset(X, Y)
    got = ctx.learner.shard_loader(dataset, BATCH, rank, WORLD, seed)
    if not (isinstance(got, tuple) and len(got) == 2):
        ctx.fail("shard_loader should return a pair (loader, sampler), got "
                 f"{type(got).__name__}", "contract")
    loader, sampler = got
    if not callable(getattr(sampler, "set_epoch", None)):
        ctx.fail("the sampler shard_loader returns has no set_epoch method: use "
                 "torch.utils.data.DistributedSampler", "contract")
    sampler.set_epoch(epoch)
    batches = 0
    for x, y in loader:
        batches += 1
        if tuple(x.shape) != (BATCH, D_IN) or tuple(y.shape) != (BATCH, 1):
            ctx.fail(f"a batch from shard_loader has shapes {tuple(x.shape)} and "
                     f"{tuple(y.shape)}; expected ({BATCH}, {D_IN}) and ({BATCH}, 1) with "
                     f"batch_size={BATCH}")
    if batches and not dataset.reads:
        workers = getattr(loader, "num_workers", 0)
        if isinstance(workers, int) and workers > 0:
            ctx.fail(f"shard_loader's DataLoader has num_workers={workers}: its worker "
                     "processes read the samples, so the check cannot see which samples each "
                     "rank reads. Keep the default num_workers=0 in this exercise (the data "
                     "set is in memory; workers pay off when loading a sample is slow)",
                     "contract")
        ctx.fail(f"the loader from shard_loader gave rank {rank} {batches} batches without "
                 "reading the dataset it was given (dataset[i]): build the DataLoader over "
                 "that dataset, with the DistributedSampler")
    return dataset.reads


def _check_sharding(ctx: CheckContext, X: Any, Y: Any) -> None:
    seed = ctx.seed + 11
    shards = [_loader_indices(ctx, X, Y, rank, 0, seed) for rank in range(WORLD)]
    sizes = [len(s) for s in shards]
    if any(size == N for size in sizes):
        ctx.fail(f"with world_size={WORLD}, rank {sizes.index(N)} reads all {N} samples in an "
                 "epoch: every rank trains on the whole data set, so the ranks repeat each "
                 "other's work. Give each rank its own shard with DistributedSampler(dataset, "
                 "num_replicas=world_size, rank=rank, ...)")
    if sizes != [N // WORLD] * WORLD:
        ctx.fail(f"with {N} samples and world_size={WORLD}, each rank should read {N // WORLD} "
                 f"samples per epoch; the ranks read {sizes}")
    shared = sorted(set(shards[0]) & set(shards[1]))
    if shared:
        ctx.fail(f"rank 0 and rank 1 both read sample {shared[0]} (and {len(shared) - 1} more) "
                 "in the same epoch, so other samples are never read: the shards overlap. All "
                 "ranks must shuffle with the same seed (not seed + rank) and pass their own "
                 "rank to DistributedSampler")
    if sorted(shards[0] + shards[1]) != list(range(N)):
        ctx.fail("the two ranks' shards do not cover the data set exactly once")
    again = _loader_indices(ctx, X, Y, 0, 0, seed)
    if again != shards[0]:
        ctx.fail("shard_loader gave rank 0 a different order for the same seed and epoch: "
                 "ranks must agree on the shuffle, so seed it with the `seed` argument only")
    later = _loader_indices(ctx, X, Y, 0, 1, seed)
    if later == shards[0]:
        ctx.fail("after sampler.set_epoch(1), rank 0 reads its samples in the same order as in "
                 "epoch 0: the loader does not reshuffle. Use DistributedSampler(..., "
                 "shuffle=True, seed=seed); its order depends on seed + epoch")


# ---------------------------------------------------------------- averaging, on 2 and 3 ranks

def _check_averaging(ctx: CheckContext, results: list[RankResult], grads: list[dict]) -> None:
    world = len(results)
    on = f" on {world} ranks" if world != WORLD else ""
    if any(result.averaged is None for result in results):
        _explain_failure(ctx, results, f"average_gradients{on}", "values")
    for name in grads[0]:
        mean = sum(g[name] for g in grads) / world
        total = sum(g[name] for g in grads)
        for result in results:
            assert result.averaged is not None
            got = result.averaged[name]
            if got is None:
                ctx.fail(f"after average_gradients{on}, `{name}.grad` is None on rank "
                         f"{result.rank}: average the gradients in place, keep them on .grad")
            assert_close(got, mean, f"after average_gradients{on}, `{name}.grad` on rank "
                         f"{result.rank} (the mean of the ranks' gradients)", rtol=RTOL,
                         atol=ATOL, fingerprints=_averaging_bugs(
                             name, world, on, result.rank, grads[result.rank][name], total))


def _averaging_bugs(name: str, world: int, on: str, rank: int, own: np.ndarray,
                    total: np.ndarray) -> list[Fingerprint]:
    """What a rank's gradient would be after the known wrong ways to average it."""
    def bug(value: np.ndarray, message: str) -> Fingerprint:
        return Fingerprint(value, message, rtol=RTOL, atol=ATOL)

    return [
        bug(total, f"average_gradients summed the gradients over the {world} ranks without "
            f"dividing by the world size: `{name}.grad` is {world}x the mean. all_reduce with "
            "SUM, then divide by dist.get_world_size() (a sum acts like a learning rate that "
            "grows with the number of GPUs)"),
        bug(own, f"on rank {rank}{on}, `{name}.grad` is unchanged by average_gradients: each "
            "rank still has only its own gradient. Call dist.all_reduce(p.grad) for every "
            "parameter, then divide"),
        bug(total / world / world, f"`{name}.grad` is the mean divided by {world} again{on}: "
            "divide by the world size once"),
        *(bug(total / k, f"you divided by {k}, not by dist.get_world_size(): on {world} ranks, "
              f"`{name}.grad` after average_gradients is the sum over the ranks divided by {k}, "
              f"so {world / k:.3g}x the mean. The number of ranks is a launch setting (torchrun "
              "--nproc_per_node), not a constant of the code: ask dist.get_world_size()")
          for k in range(2, 9) if k not in (world, world * world)),  # those two come first
    ]


# ---------------------------------------------------------------- the training run

COMMUNICATION_ERRORS = ("Timed out", "Connection", "gloo/transport", "DistBackendError")


def _is_communication_error(error: str) -> bool:
    return any(text in error for text in COMMUNICATION_ERRORS)


def _explain_failure(ctx: CheckContext, results: list[RankResult], phase: str,
                     layer: str) -> None:
    """Fail with the root cause of a run in which some rank did not report ``phase``.

    An exception raised by the learner's own code comes first (the other ranks' troubles
    follow from it); then collectives that differ between ranks; then a rank that gave up
    waiting for its peers; then a process that died; then a rank that never finished.
    """
    for result in results:
        if result.error and not _is_communication_error(result.error):
            where = f" ({'; '.join(result.error_frames)})" if result.error_frames else ""
            if result.error.startswith("NotImplementedError"):
                ctx.fail(f"not written yet: rank {result.rank} raised {result.error}{where}",
                         layer)
            ctx.fail(f"rank {result.rank} raised {result.error}{where}", layer)
    stuck = [r.rank for r in results if r.killed]
    if stuck:
        waiting = [r.rank for r in results if r.error]
        why = (f" while rank {waiting[0]} gave up waiting for it in a collective"
               if waiting else "")
        ctx.fail(f"rank {stuck[0]} never finished {phase}: it was still running when the check "
                 f"stopped it{why}. It is stuck: an endless loop, or a wait for something the "
                 "other ranks never do (a collective or a message only some ranks send)",
                 "probes")
    mismatch = _collective_mismatch(results)
    if mismatch:
        ctx.fail(mismatch, "probes")
    for result in results:
        if result.error:
            where = f" ({'; '.join(result.error_frames)})" if result.error_frames else ""
            ctx.fail(f"rank {result.rank} waited for its peer in a collective during {phase} "
                     f"and gave up ({result.error[:160]}){where}: a rank skipped a collective "
                     "or never reached it (every rank must call the same collectives in the "
                     "same order)", "probes")
    for result in results:
        if result.exitcode not in (0, None) and result.params is None:
            hint = (" Gloo reported a collective mismatch: the ranks called different "
                    "collectives." if "mismatch" in result.log_tail else "")
            last = result.log_tail.strip().splitlines()[-1:] or [""]
            ctx.fail(f"rank {result.rank}'s process died (exit code {result.exitcode}) during "
                     f"{phase}.{hint} Last output: {last[0][:200]}", "probes")
    missing = [r.rank for r in results if r.params is None]
    ctx.fail(f"rank {missing[0] if missing else 0} ended {phase} without reporting a result",
             "probes")


def _training_calls(result: RankResult) -> list[tuple[str, str]]:
    """(collective, number of elements) of each collective the rank called in train_rank."""
    return [(parts[1], parts[2]) for parts in (c.split() for c in result.calls)
            if len(parts) == 3 and parts[0] == "train"]


def _collective_mismatch(results: list[RankResult]) -> str | None:
    seqs = [_training_calls(r) for r in results]
    if all(s == seqs[0] for s in seqs):
        return None
    advice = (" A collective that only some ranks call (an all_reduce inside `if rank == 0:`, "
              "say to log the loss), or a loop that stops earlier on one rank (an early-stopping "
              "decision taken on a rank's own loss, uneven shards), leaves the ranks out of "
              "step: every rank must call every collective, in the same order")
    a, b = seqs[0], seqs[1]
    for i, (call_a, call_b) in enumerate(zip(a, b, strict=False)):
        if call_a != call_b:
            return (f"the ranks called different collectives in train_rank: their call number "
                    f"{i + 1} was {call_a[0]} of {call_a[1]} element(s) on rank 0 but "
                    f"{call_b[0]} of {call_b[1]} element(s) on rank 1." + advice)
    return (f"the ranks did not make the same number of collective calls in train_rank: rank 0 "
            f"made {len(a)}, rank 1 made {len(b)}." + advice)


def _check_ranks_finished(ctx: CheckContext, results: list[RankResult]) -> None:
    if any(result.params is None for result in results):
        _explain_failure(ctx, results, "train_rank", "probes")
    mismatch = _collective_mismatch(results)
    if mismatch:
        ctx.fail(mismatch)


def _check_batches(ctx: CheckContext, results: list[RankResult]) -> None:
    steps = [len(r.batches) for r in results]
    expected = EPOCHS * STEPS_PER_EPOCH
    if 0 in steps:
        ctx.fail(f"rank {steps.index(0)} ran its model without reading any sample of the "
                 "dataset in its own process: iterate over the loader from shard_loader, with "
                 "the DataLoader's default num_workers=0 (the check watches dataset[i])")
    if steps[0] != steps[1]:
        ctx.fail(f"rank 0 made {steps[0]} forward passes and rank 1 made {steps[1]}: every rank "
                 "must take the same number of steps")
    if steps[0] == 2 * expected:
        ctx.fail(f"each rank made {steps[0]} steps in {EPOCHS} epochs instead of {expected}: "
                 "every rank reads the whole data set. Build the loader with shard_loader "
                 "(DistributedSampler) inside train_rank")
    if steps[0] != expected:
        ctx.fail(f"each rank should make {expected} steps ({EPOCHS} epochs of {N} samples, "
                 f"{WORLD} ranks, batch_size={BATCH}); they made {steps[0]}")
    for result in results:
        bad = [len(b) for b in result.batches if len(b) != BATCH]
        if bad:
            ctx.fail(f"rank {result.rank} ran its model on a batch of {bad[0]} newly read "
                     f"samples; expected batches of batch_size={BATCH}")
    for epoch in range(EPOCHS):
        window = slice(epoch * STEPS_PER_EPOCH, (epoch + 1) * STEPS_PER_EPOCH)
        seen = [i for r in results for b in r.batches[window] for i in b]
        if sorted(seen) != list(range(N)):
            ctx.fail(f"in epoch {epoch}, the ranks together did not read every sample exactly "
                     "once: each rank must train on its own shard (use shard_loader in "
                     "train_rank)")
    for result in results:
        first = [i for b in result.batches[:STEPS_PER_EPOCH] for i in b]
        second = [i for b in result.batches[STEPS_PER_EPOCH:2 * STEPS_PER_EPOCH] for i in b]
        if first == second:
            ctx.fail(f"rank {result.rank} read its shard in the same order in epochs 0 and 1: "
                     "call sampler.set_epoch(epoch) at the start of every epoch, or "
                     "DistributedSampler shuffles identically each time")


def _reference(state: dict, X: Any, Y: Any, results: list[RankResult], lr: float) -> dict:
    """One process, float64: an SGD step on the union of the ranks' batches at every step."""
    import torch

    model = build_model(state)
    Xt, Yt = torch.as_tensor(X), torch.as_tensor(Y)
    for step in range(len(results[0].batches)):
        idx = torch.as_tensor([i for r in results for i in r.batches[step]])
        model.zero_grad()
        torch.nn.functional.mse_loss(model(Xt[idx]), Yt[idx]).backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    return {k: v.detach().numpy() for k, v in model.state_dict().items()}


def _check_parameters(ctx: CheckContext, results: list[RankResult], state: dict, X: Any,
                      Y: Any) -> None:
    p0, p1 = results[0].params, results[1].params
    assert p0 is not None and p1 is not None
    if set(p0) != set(state):
        ctx.fail(f"the model's parameters after train_rank are {sorted(p0)}, expected "
                 f"{sorted(state)}: train the model you are given, in place")
    moved = max(float(np.max(np.abs(p0[k] - state[k]))) for k in state)
    if moved == 0.0:
        ctx.fail("train_rank did not change the model's parameters")
    for name in state:
        gap = float(np.max(np.abs(p0[name] - p1[name])))
        if gap > 1e-10:
            ctx.fail(f"after training, rank 0 and rank 1 hold different parameters (`{name}` "
                     f"differs by up to {gap:.3g}): each rank stepped with its own gradient. "
                     "Average the gradients (all_reduce each p.grad after loss.backward(), "
                     "then divide), not the loss: an all_reduce of the loss value does not "
                     "reach the gradients")
    want = _reference(state, X, Y, results, LR)
    summed = _reference(state, X, Y, results, LR * WORLD)
    worst_name, worst = "", 0.0
    for name in state:
        err = float(np.max(np.abs(p0[name] - want[name])))
        if err > worst:
            worst_name, worst = name, err
    ctx.metric("max |param - single-process param|", worst)
    if worst <= 1e-9:
        return
    if all(np.allclose(p0[k], summed[k], rtol=1e-9, atol=1e-11) for k in state):
        ctx.fail(f"the ranks agree, but they trained as if the learning rate were {WORLD}x "
                 "larger: the gradients were summed over the ranks, not averaged. Divide by "
                 "the world size")
    ctx.fail(f"after {len(results[0].batches)} steps the parameters differ from one process "
             "taking an SGD step on the union of the ranks' batches at every step (float64): "
             f"`{worst_name}` is off by up to {worst:.3g}. Use plain SGD with lr={LR}, "
             "F.mse_loss (mean) on each batch, zero the gradients every step, and average "
             "them before optimizer.step()")

