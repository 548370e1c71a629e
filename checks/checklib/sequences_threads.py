"""Run a small recurrent workload on one CPU thread.

An LSTM with a few dozen units does tiny matrix products at every time step; with several
threads, the threads spend more time waiting for each other (and for other processes on a busy
machine) than computing. Measured on a shared 2-core CPU: 5 ms per training step on one thread,
50-150 ms on two.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from checklib.context import CheckContext


@contextmanager
def one_cpu_thread(ctx: CheckContext) -> Iterator[None]:
    """Limit torch to one intra-op thread while on the CPU; restore the setting afterwards."""
    import torch

    if ctx.torch_device().type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
