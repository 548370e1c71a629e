"""Correct, written differently: the DataLoader fetches a whole batch with one dataset[list]
(a BatchSampler as its sampler, batch_size=None)."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, DistributedSampler


def shard_loader(dataset, batch_size, rank, world_size, seed):
    sampler = DistributedSampler(
        dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed
    )
    batches = BatchSampler(sampler, batch_size, drop_last=False)
    loader = DataLoader(dataset, sampler=batches, batch_size=None)
    return loader, sampler


def average_gradients(model):
    for p in model.parameters():
        dist.all_reduce(p.grad)
        p.grad /= dist.get_world_size()


def train_rank(model, dataset, rank, world_size, epochs, batch_size, lr, seed):
    loader, sampler = shard_loader(dataset, batch_size, rank, world_size, seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for x, y in loader:
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            average_gradients(model)
            opt.step()
            losses.append(loss.item())
    return losses
