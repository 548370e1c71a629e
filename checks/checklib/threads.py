"""Run small-tensor work on one CPU thread: faster, and steady when other work shares the CPU.

The checks multiply matrices of a few thousand elements and step small recurrences. Spread over
several threads, such work costs more in synchronisation than it saves, and when the cores are
busy with other processes the waiting threads make a check many times slower (measured on a
shared 2-core CPU: an LSTM training step took 5 ms on one thread, 50-150 ms on two). The previous
thread count is restored afterwards; on a GPU nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def one_cpu_thread(where: Any) -> Iterator[None]:
    """Set torch to one intra-op thread while the block runs, if ``where`` (a device, a device
    name, or a CheckContext) is the CPU."""
    import torch

    device = where.torch_device() if hasattr(where, "torch_device") else torch.device(where)
    if device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
