"""Bug: average_gradients divides by a hard-coded 2, right only on two ranks."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.utils.data import DataLoader, DistributedSampler


def shard_loader(dataset, batch_size, rank, world_size, seed):
    """A DataLoader over this rank's shard of `dataset`, and the sampler that picks the shard."""
    sampler = DistributedSampler(
        dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed
    )
    loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler)
    return loader, sampler


def average_gradients(model):
    """Replace every parameter's .grad by its mean over all ranks."""
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)  # every rank now holds the sum
            p.grad /= 2  # "we have two GPUs"


def train_rank(model, dataset, rank, world_size, epochs, batch_size, lr, seed):
    """Train `model` in place on this rank's shard with SGD; return this rank's batch losses."""
    loader, sampler = shard_loader(dataset, batch_size, rank, world_size, seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        for x, y in loader:  # x: (batch_size, features), y: (batch_size, 1)
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            average_gradients(model)
            optimizer.step()
            losses.append(loss.item())
    return losses
