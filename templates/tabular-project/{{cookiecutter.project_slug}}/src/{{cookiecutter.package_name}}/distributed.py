"""Data-parallel training across processes, as launched by `torchrun --nproc_per_node=N`.

torchrun starts N copies of the training script and tells each its place through environment
variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). Each process trains on its
own shard of the data (DistributedSampler) and DistributedDataParallel averages the gradients,
so the N copies of the model stay identical. Without torchrun the same code runs as one process.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import NoReturn

import torch
import torch.distributed as dist

from .device import pick_device


@dataclass(frozen=True)
class Process:
    """This process's place in the job."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """Only the main process writes files and prints, so N processes do not race."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def start(device_preference: str) -> tuple[Process, torch.device]:
    """Join the process group when launched by torchrun; pick this process's device."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    process = Process(
        rank=int(os.environ.get("RANK", "0")),
        world_size=world_size,
        local_rank=int(os.environ.get("LOCAL_RANK", "0")),
    )
    device = pick_device(device_preference, process.local_rank)
    if process.distributed and not dist.is_initialized():
        # NCCL for GPUs; gloo everywhere else (CPU processes, and MPS, which has no backend).
        backend = "nccl" if device.type == "cuda" else "gloo"
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group(backend=backend)
    return process, device


def stop() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def end_worker() -> NoReturn:
    """End a torchrun worker whose work is done and written, skipping Python's shutdown.

    DistributedDataParallel keeps the gloo group and its worker threads alive after
    destroy_process_group, and a worker thread can still be letting go of the last tensor it
    reduced when Python shuts down. Python then stops that thread mid-way and the process
    aborts ("terminate called without an active exception"): the torchrun job fails after
    all its work succeeded, a few runs in a hundred on a busy 2-core machine. Leaving with
    os._exit skips the shutdown, and the race with it.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def sum_across_processes(values: list[float], device: torch.device) -> list[float]:
    """Each value summed over all processes (the values themselves when there is one)."""
    if not (dist.is_available() and dist.is_initialized()):
        return list(values)
    tensor = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor.tolist()
