"""Correct, written differently: DistributedDataParallel averages the gradients in train_rank."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler


def shard_loader(dataset, batch_size, rank, world_size, seed):
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, seed=seed)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler), sampler


def average_gradients(model):
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.AVG)


def train_rank(model, dataset, rank, world_size, epochs, batch_size, lr, seed):
    loader, sampler = shard_loader(dataset, batch_size, rank, world_size, seed)
    ddp = DistributedDataParallel(model)  # averages gradients during backward()
    optimizer = torch.optim.SGD(ddp.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for x, y in loader:
            optimizer.zero_grad(set_to_none=True)
            loss = F.mse_loss(ddp(x), y)
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
    return losses
