"""Bug: train_rank builds its own shuffled DataLoader over the whole data set, so every rank
reads all of it (shard_loader is right but unused)."""

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
    world_size = dist.get_world_size()
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)  # every rank now holds the sum
            p.grad /= world_size


def train_rank(model, dataset, rank, world_size, epochs, batch_size, lr, seed):
    """Train `model` in place on this rank's shard with SGD; return this rank's batch losses."""
    torch.manual_seed(seed)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _epoch in range(epochs):
        for x, y in loader:  # x: (batch_size, features), y: (batch_size, 1)
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            average_gradients(model)
            optimizer.step()
            losses.append(loss.item())
    return losses
