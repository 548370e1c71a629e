"""Train the model.

    python -m <package>.train [--config FILE] [--set train.epochs=3]
    torchrun --nproc_per_node=N -m <package>.train      # data-parallel over N processes

The best epoch (by validation accuracy) is saved as best.pt, the latest as last.pt, and the
training history goes to metrics.json, all in the run's output_dir.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from . import distributed, task
from .checkpoint import BEST, LAST, check_same_data, read_checkpoint, save_checkpoint
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .device import seed_everything
from .metrics import write_metrics


def make_loader(
    x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, process: distributed.Process
) -> tuple[DataLoader, DistributedSampler]:
    """Batches of ``(x, y)``, shuffled; each process gets its own shard when there are several.

    Every epoch shuffles the rows the same way (by ``seed`` and the epoch) whatever the number
    of processes, and process r takes rows r, r + N, r + 2N... of that order. So a step of N
    processes with batches of B sees exactly the rows of one process's batch of N x B (when N
    divides the number of rows; otherwise the sampler repeats a few to even the shards): with
    no dropout the two runs end with the same weights (tests/test_distributed.py checks it).
    A resumed run shuffles each epoch as an uninterrupted one would.
    """
    dataset = TensorDataset(torch.as_tensor(x), torch.as_tensor(y))
    sampler = DistributedSampler(
        dataset, num_replicas=process.world_size, rank=process.rank, shuffle=True, seed=seed
    )
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler), sampler


@torch.no_grad()
def predict_logits(
    model: nn.Module, x: np.ndarray, device: torch.device, batch_size: int = 512
) -> torch.Tensor:
    """The model's logits for every row of ``x``, on the CPU."""
    model.eval()
    outputs = []
    for start in range(0, len(x), batch_size):
        batch = torch.as_tensor(x[start : start + batch_size]).to(device)
        outputs.append(model(batch).float().cpu())
    return torch.cat(outputs)


def score(model: nn.Module, x: np.ndarray, y: np.ndarray, device: torch.device) -> dict:
    """Mean cross-entropy and accuracy of ``model`` on ``(x, y)``."""
    logits = predict_logits(model, x, device)
    targets = torch.as_tensor(y)
    return {
        "loss": float(nn.functional.cross_entropy(logits, targets)),
        "accuracy": float((logits.argmax(dim=1) == targets).float().mean()),
    }


def fit(
    model: nn.Module,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    train_config: dict,
    device: torch.device,
    seed: int,
    process: distributed.Process | None = None,
    checkpoint_dir: Path | None = None,
    checkpoint_extra: dict | None = None,
    log: bool = True,
) -> list[dict]:
    """Train ``model`` (already on ``device``) and return one row of numbers per epoch.

    With ``checkpoint_dir`` the main process saves best.pt and last.pt there, each carrying
    ``checkpoint_extra`` so the model can be rebuilt later without this code's arguments.
    """
    process = process or distributed.Process()
    wrapped: nn.Module = model
    if process.distributed:
        device_ids = [device.index] if device.type == "cuda" else None
        wrapped = nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=float(train_config["lr"]),
        weight_decay=float(train_config.get("weight_decay", 0.0)),
    )
    loader, sampler = make_loader(x_train, y_train, int(train_config["batch_size"]), seed, process)
    history: list[dict] = []
    best_accuracy = -1.0
    start_epoch = 0
    last_path = checkpoint_dir / LAST if checkpoint_dir else None
    if last_path and train_config.get("resume") and last_path.exists():
        state = read_checkpoint(last_path)
        if checkpoint_extra and "config" in checkpoint_extra:  # resume on the same data only
            check_same_data(checkpoint_extra["config"], state["config"], last_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch, history = state["epoch"], state["history"]
        best_accuracy = max((row["val_accuracy"] for row in history), default=-1.0)

    for epoch in range(start_epoch, int(train_config["epochs"])):
        sampler.set_epoch(epoch)  # a different shuffle every epoch, the same on every process
        wrapped.train()
        loss_sum, count = 0.0, 0
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            loss = nn.functional.cross_entropy(wrapped(inputs), targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # under DDP, gradients are averaged across processes here
            optimizer.step()
            loss_sum += loss.item() * len(targets)
            count += len(targets)
        loss_sum, count = distributed.sum_across_processes([loss_sum, count], device)
        val = score(model, x_val, y_val, device)  # every process holds the same weights
        row = {
            "epoch": epoch + 1,
            "train_loss": loss_sum / max(count, 1),
            "val_loss": val["loss"],
            "val_accuracy": val["accuracy"],
        }
        history.append(row)
        if log and process.is_main:
            print(
                f"epoch {row['epoch']:3d}  train loss {row['train_loss']:.4f}  "
                f"val loss {row['val_loss']:.4f}  val accuracy {row['val_accuracy']:.4f}",
                flush=True,
            )
        if checkpoint_dir and process.is_main:
            extra = dict(checkpoint_extra or {}, epoch=epoch + 1, history=history)
            save_checkpoint(checkpoint_dir / LAST, model, optimizer=optimizer.state_dict(), **extra)
            if row["val_accuracy"] > best_accuracy:
                best_accuracy = row["val_accuracy"]
                save_checkpoint(checkpoint_dir / BEST, model, **extra)
    return history


def train(config: dict) -> dict:
    """Train as ``config`` says; return (and, on the main process, write) the run's metrics."""
    process, device = distributed.start(config.get("device", "auto"))
    try:
        seed = int(config["seed"])
        seed_everything(seed)
        splits = task.load_splits(config["data"], seed)
        seed_everything(seed)  # the weights do not depend on how much randomness loading used
        model = task.build_model(config["model"], splits.meta).to(device)
        out = run_dir(config)
        started = time.perf_counter()
        history = fit(
            model,
            splits.x_train,
            splits.y_train,
            splits.x_val,
            splits.y_val,
            config["train"],
            device,
            seed,
            process,
            checkpoint_dir=out,
            checkpoint_extra={
                "config": config,
                "meta": splits.meta,
                "class_names": splits.class_names,
            },
        )
        best = max(history, key=lambda row: row["val_accuracy"]) if history else {}
        metrics = {
            "model": task.MODEL_NAME,
            "seed": seed,
            "device": device.type,
            "world_size": process.world_size,
            "train_samples": int(len(splits.x_train)),
            "train_seconds": round(time.perf_counter() - started, 3),
            "best_epoch": best.get("epoch"),
            "best_val_accuracy": best.get("val_accuracy"),
            "history": history,
        }
        if process.is_main:
            write_metrics(out, metrics)  # a new training run starts a new metrics file
        return metrics
    finally:
        distributed.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    with reported_errors():
        metrics = train(config_from_args(parser.parse_args(argv)))
    if metrics["world_size"] > 1:
        distributed.end_worker()


if __name__ == "__main__":
    main()
