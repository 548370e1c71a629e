"""Correct, in another style: zero_grad after the step, a float32 tensor total turned into a
float once, len(loader.dataset) as the count, and torch.inference_mode for evaluation."""

from __future__ import annotations

import torch


def train_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total = torch.zeros((), device=device)
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        total += loss.detach() * inputs.shape[0]
    return (total / len(loader.dataset)).item()


def evaluate(model, loader, device):
    model.eval()
    hits, seen = 0, 0
    with torch.inference_mode():
        for inputs, targets in loader:
            predictions = model(inputs.to(device)).argmax(1)
            hits += int((predictions == targets.to(device)).sum())
            seen += targets.numel()
    return hits / seen
