"""Data-parallel training by hand: shard the data, average the gradients, step in lockstep.

Every rank (process) runs this same file. The check starts two processes on your machine and
joins them in a gloo process group for you, as `torchrun` would: inside your functions,
`dist.get_rank()` and `dist.get_world_size()` already work. Do not call init_process_group.
"""

import torch  # noqa: F401 - you will need these
import torch.distributed as dist  # noqa: F401
import torch.nn.functional as F  # noqa: F401
from torch.utils.data import DataLoader, DistributedSampler  # noqa: F401


def shard_loader(dataset, batch_size, rank, world_size, seed):
    """Return (loader, sampler): a DataLoader over this rank's shard of `dataset`.

    The shards of the `world_size` ranks are disjoint and together cover the data set once per
    epoch; the order is shuffled from `seed` and changes when you call sampler.set_epoch(e).
    Pass `rank` and `world_size` explicitly: the check also calls this without a process group.
    """
    # TODO: a DistributedSampler(dataset, num_replicas=..., rank=..., shuffle=True, seed=...)
    # and a DataLoader that draws from it (sampler=..., no shuffle=True of its own).
    raise NotImplementedError("shard_loader")


def average_gradients(model):
    """For every parameter p: p.grad <- (sum over ranks of p.grad) / world_size, in place."""
    # TODO: dist.all_reduce each gradient (it sums in place), then divide.
    raise NotImplementedError("average_gradients")


def train_rank(model, dataset, rank, world_size, epochs, batch_size, lr, seed):
    """Train `model` in place on this rank's shard; return this rank's list of batch losses.

    Plain SGD with learning rate `lr` (torch.optim.SGD, no momentum), loss F.mse_loss(model(x),
    y) on each batch, `epochs` passes over the shard, gradients averaged over the ranks before
    every optimizer step. Batches: x (batch_size, features), y (batch_size, 1), float64.
    """
    # TODO: loader and sampler from shard_loader; for each epoch, sampler.set_epoch(epoch);
    # for each batch: zero_grad, loss, backward, average_gradients(model), step.
    raise NotImplementedError("train_rank")
