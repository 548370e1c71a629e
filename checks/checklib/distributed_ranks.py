"""Run a learner's per-rank training code in real worker processes on the gloo backend.

``launch`` starts ``world_size`` processes on this machine, joins them in a gloo process group
over 127.0.0.1 (as ``torchrun`` would, through MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE) and
collects what each rank did: the gradients after ``average_gradients``, the samples it read at
every step, its final parameters and how many collectives it called (a job with ``"train":
False`` runs ``average_gradients`` alone, and its ``params`` are then an empty dict). Nothing can
hang the check: every collective has a timeout, a rank that finishes while another keeps
waiting is stopped, and the whole run has a deadline.

On Linux the workers are forked from the process that already imported torch, so a run costs
a fraction of a second; elsewhere they are spawned and import torch and the learner's file anew.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COLLECTIVE_TIMEOUT_S = 5.0  # a rank waiting this long for its peers gives up with an error
PEER_GRACE_S = 3.0  # how long the others may keep running once a rank has failed or died
STARTUP_TIMEOUT_S = 60.0  # for all ranks to start (spawned ranks import torch first)
SPAWN_EXTRA_S = 30.0  # added to the deadline when ranks are spawned rather than forked
COLLECTIVES = (
    "all_reduce", "broadcast", "barrier", "all_gather", "all_gather_into_tensor", "reduce",
    "reduce_scatter", "reduce_scatter_tensor", "gather", "scatter", "all_to_all",
    "all_gather_object", "broadcast_object_list",
)


@dataclass
class RankResult:
    """What one rank reported; ``error`` is set when its code raised."""

    rank: int
    averaged: dict[str, Any] | None = None
    batches: list[list[int]] = field(default_factory=list)
    params: dict[str, Any] | None = None
    calls: list[str] = field(default_factory=list)  # "phase name numel", one per collective
    error: str | None = None
    error_frames: list[str] = field(default_factory=list)
    finished: bool = False  # it reported its end, or its process exited
    killed: bool = False  # still running at the deadline, so stopped by the check
    exitcode: int | None = None
    log_tail: str = ""


class RecordingDataset:
    """A map-style dataset of (x, y) rows that remembers which indices were read, in order.

    An index may be one integer or, for a loader that fetches whole batches (a BatchSampler as
    the sampler, batch_size=None), a list or tensor of them.
    """

    def __init__(self, X: Any, Y: Any) -> None:
        import torch

        self.X = torch.as_tensor(X, dtype=torch.float64)
        self.Y = torch.as_tensor(Y, dtype=torch.float64)
        self.reads: list[int] = []

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def __getitem__(self, index: Any) -> tuple[Any, Any]:
        import torch

        self.reads.extend(int(i) for i in torch.as_tensor(index).reshape(-1).tolist())
        return self.X[index], self.Y[index]


def build_model(state: dict[str, Any]) -> Any:
    """The exercise's small regression network, float64, loaded from ``state`` (name -> array)."""
    import torch
    from torch import nn

    d_in, hidden = state["0.weight"].shape[1], state["0.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.Tanh(), nn.Linear(hidden, 1)).double()
    model.load_state_dict({k: torch.as_tensor(v, dtype=torch.float64) for k, v in state.items()})
    return model


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_method() -> str:
    """fork where it is safe and cheap (Linux); spawn elsewhere."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def launch(learner: Any, learner_path: Path, job: dict[str, Any], world_size: int = 2,
           deadline_s: float = 20.0, method: str | None = None) -> list[RankResult]:
    """Run ``job`` on ``world_size`` ranks; return one RankResult per rank, whatever happened.

    The port is chosen free just before the ranks start; should another program take it in
    between, the run is repeated on a new port (at most three times).
    """
    method = method or start_method()
    if method == "fork":
        _warm_imports()
    for _ in range(3):
        results = _launch_once(learner, learner_path, job, world_size, deadline_s, method)
        if not any(_port_taken(r) for r in results):
            break
    return results


def _port_taken(result: RankResult) -> bool:
    text = f"{result.error or ''} {result.log_tail}".lower()
    return "eaddrinuse" in text or "address already in use" in text


def _launch_once(learner: Any, learner_path: Path, job: dict[str, Any], world_size: int,
                 deadline_s: float, method: str) -> list[RankResult]:
    import multiprocessing as mp
    import tempfile

    ctx = mp.get_context(method)
    port = free_port()
    results = [RankResult(rank=r) for r in range(world_size)]
    with tempfile.TemporaryDirectory(prefix="dlpath-ddp-") as tmp:
        logs = [str(Path(tmp) / f"rank{r}.log") for r in range(world_size)]
        call_logs = [str(Path(tmp) / f"rank{r}.calls") for r in range(world_size)]
        target_learner = learner if method == "fork" else None
        pipes = [ctx.Pipe(duplex=False) for _ in range(world_size)]
        procs = [
            ctx.Process(
                target=_rank_main,
                args=(r, world_size, port, pipes[r][1], job, target_learner,
                      str(learner_path), logs[r], call_logs[r]),
                daemon=True,
            )
            for r in range(world_size)
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "use of fork() may lead to deadlocks" (3.12+)
            for proc in procs:
                proc.start()
        for _, writer in pipes:
            writer.close()
        try:
            deadline = deadline_s + (SPAWN_EXTRA_S if method == "spawn" else 0.0)
            _collect(procs, [reader for reader, _ in pipes], results, deadline)
        finally:  # whatever happened above, no rank outlives the check
            for proc, result in zip(procs, results, strict=True):
                proc.join(timeout=0.5 if result.finished else 0.0)
                if proc.is_alive():
                    result.killed = not result.finished
                    proc.kill()
                    proc.join(timeout=2.0)
                result.exitcode = proc.exitcode
                result.log_tail = _tail(logs[result.rank])
                result.calls = _tail(call_logs[result.rank], limit=None).splitlines()
    return results


def _collect(procs: list[Any], readers_by_rank: list[Any], results: list[RankResult],
             deadline_s: float) -> None:
    """Read the ranks' messages until each has reported its end or exited, or time is up."""
    from multiprocessing.connection import wait

    readers = {reader: rank for rank, reader in enumerate(readers_by_rank)}
    sentinels = {proc.sentinel: rank for rank, proc in enumerate(procs)}
    limit = time.monotonic() + deadline_s
    while readers:
        now = time.monotonic()
        if now >= limit:
            return
        for item in wait(list(readers) + list(sentinels), timeout=limit - now):
            if item in sentinels:  # the process exited: read what it sent, then stop waiting
                rank = sentinels.pop(item)
                conn = readers_by_rank[rank]
                while conn in readers and conn.poll(0):
                    _receive(conn, readers, results)
                readers.pop(conn, None)
                results[rank].finished = True
            elif item in readers:
                _receive(item, readers, results)
        limit = min(limit, _peer_limit(results, limit))


def _peer_limit(results: list[RankResult], limit: float) -> float:
    """Once a rank has failed, the others get a short grace; once one has finished normally,
    the others get long enough for a collective they wait in to time out and report."""
    if any(r.finished and r.params is None for r in results):
        return min(limit, time.monotonic() + PEER_GRACE_S)
    if any(r.finished for r in results):
        return min(limit, time.monotonic() + PEER_GRACE_S + COLLECTIVE_TIMEOUT_S)
    return limit


def _warm_imports() -> None:
    """Import, once and before forking, what the first optimizer or DDP wrapper imports lazily.

    Building the first ``torch.optim`` optimizer or ``DistributedDataParallel`` in a process
    imports torch._dynamo (2-4 s on a small CPU). Done in each forked rank, that cost is paid
    twice, in parallel, on every run; done here, the ranks inherit it for free.
    """
    import torch
    import torch._dynamo  # noqa: F401

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


def _receive(conn: Any, readers: dict[Any, int], results: list[RankResult]) -> None:
    rank = readers[conn]
    try:
        kind, payload = conn.recv()
    except (EOFError, OSError):
        readers.pop(conn)
        results[rank].finished = True
        return
    _record(results[rank], kind, payload)
    if kind in ("done", "error"):
        readers.pop(conn)


def _record(result: RankResult, kind: str, payload: Any) -> None:
    if kind == "avg":
        result.averaged = payload
    elif kind == "done":
        result.batches, result.params = payload
        result.finished = True
    elif kind == "error":
        result.error, result.error_frames, result.batches = payload
        result.finished = True


def _tail(path: str, limit: int | None = 2000) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return ""
    return text if limit is None else text[-limit:]


# ----------------------------------------------------------------- inside a rank

def _rank_main(rank: int, world_size: int, port: int, conn: Any, job: dict[str, Any],
               learner: Any, learner_path: str, log_path: str, calls_path: str) -> None:
    """The body of one worker process."""
    log = open(log_path, "w", buffering=1)  # noqa: SIM115 - lives as long as the process
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    import faulthandler

    if faulthandler.is_enabled():  # inherited from the parent: point it at this rank's log
        faulthandler.enable(file=log)
    calls = open(calls_path, "w", buffering=1)  # noqa: SIM115 - one line per collective
    phase = ["avg"]
    dataset: RecordingDataset | None = None
    batches: list[list[int]] = []
    try:
        import torch
        import torch.distributed as dist

        torch.set_num_threads(1)
        if learner is None:
            learner = _import_learner(Path(learner_path))
        _count_collectives(dist, learner, calls, phase)
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                          WORLD_SIZE=str(world_size), LOCAL_RANK=str(rank))
        from datetime import timedelta

        # Meet first with a patient store (a spawned rank may take seconds to import torch),
        # then join the group whose collectives give up after COLLECTIVE_TIMEOUT_S.
        store = dist.TCPStore("127.0.0.1", port, world_size, rank == 0,
                              timedelta(seconds=STARTUP_TIMEOUT_S))
        store.set(f"up{rank}", "1")
        store.wait([f"up{r}" for r in range(world_size)], timedelta(seconds=STARTUP_TIMEOUT_S))
        dist.init_process_group("gloo", store=store, rank=rank, world_size=world_size,
                                timeout=timedelta(seconds=COLLECTIVE_TIMEOUT_S))
        # 1. average_gradients on known, rank-dependent gradients
        model = build_model(job["state"])
        for name, p in model.named_parameters():
            p.grad = torch.as_tensor(job["probe_grads"][rank][name], dtype=torch.float64).clone()
        learner.average_gradients(model)
        conn.send(("avg", {name: None if p.grad is None else p.grad.detach().numpy().copy()
                           for name, p in model.named_parameters()}))
        if not job.get("train", True):  # a run of average_gradients alone
            conn.send(("done", ([], {})))
            return
        phase[0] = "train"
        # 2. the learner's training loop, watching which samples each forward pass sees
        model = build_model(job["state"])
        dataset = RecordingDataset(job["X"], job["Y"])
        seen = [0]

        def mark_batch(_module: Any, _inputs: Any) -> None:
            if len(dataset.reads) > seen[0]:  # a forward pass on newly read samples: a step
                batches.append(dataset.reads[seen[0]:])
                seen[0] = len(dataset.reads)

        model.register_forward_pre_hook(mark_batch)
        learner.train_rank(model, dataset, rank, world_size, job["epochs"], job["batch_size"],
                           job["lr"], job["seed"])
        params = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
        conn.send(("done", (batches, params)))
    except BaseException as exc:  # noqa: BLE001 - anything a learner's rank does is reported
        described = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:400]}"
        frames = _learner_frames(exc, Path(learner_path))
        with contextlib.suppress(Exception):
            conn.send(("error", (described, frames, batches)))
    finally:
        with contextlib.suppress(Exception):
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()
        conn.close()


def _import_learner(path: Path) -> Any:
    from types import ModuleType

    module = ModuleType("dlpath_learner_rank")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    exec(compile(path.read_bytes(), str(path), "exec", dont_inherit=True), module.__dict__)
    return module


def _count_collectives(dist: Any, learner: Any, calls: Any, phase: list[str]) -> None:
    """Wrap torch.distributed's collectives (and any the learner imported by name) so that each
    call writes a line "phase name numel" to ``calls``: the file survives a crash of the rank."""
    for name in COLLECTIVES:
        original = getattr(dist, name, None)
        if original is None:
            continue

        def counted(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            first = args[0] if args else kwargs.get("tensor")
            numel = first.numel() if hasattr(first, "numel") else "-"
            calls.write(f"{phase[0]} {_name} {numel}\n")
            return _original(*args, **kwargs)

        setattr(dist, name, counted)
        for attr, value in list(vars(learner).items()):
            if value is original:
                setattr(learner, attr, counted)


def _learner_frames(exc: BaseException, path: Path) -> list[str]:
    target = str(path.resolve())
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if str(Path(frame.filename).resolve()) == target:
            lines.append(f"{path.name}, line {frame.lineno}, in {frame.name}: "
                         f"{(frame.line or '').strip()}")
    return lines[-3:]
