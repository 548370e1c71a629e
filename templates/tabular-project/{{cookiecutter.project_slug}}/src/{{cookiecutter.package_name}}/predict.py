"""Classify new inputs with the best checkpoint; one JSON line per input.

    python -m <package>.predict [--config FILE] INPUT [INPUT ...]
"""

from __future__ import annotations

import argparse
import json

import torch

from . import task
from .checkpoint import load_model
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .device import pick_device
from .train import predict_logits


def predict(config: dict, inputs: list[str]) -> list[dict]:
    """The predicted class and its probability for each input, in order."""
    device = pick_device(config.get("device", "auto"))
    model, checkpoint = load_model(run_dir(config), device)
    names, x = task.read_inputs(inputs, checkpoint["meta"])
    probabilities = torch.softmax(predict_logits(model, x, device), dim=1)
    confidence, index = probabilities.max(dim=1)
    class_names = checkpoint["class_names"]
    return [
        {"input": name, "label": class_names[int(i)], "probability": round(float(p), 4)}
        for name, i, p in zip(names, index, confidence, strict=True)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=task.INPUT_HELP)
    args = parser.parse_args(argv)
    with reported_errors():
        for row in predict(config_from_args(args), args.inputs):
            print(json.dumps(row))


if __name__ == "__main__":
    main()
