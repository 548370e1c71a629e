"""Export the best checkpoint to ONNX and check it against PyTorch with ONNX Runtime.

    python -m <package>.export [--config FILE]

The check feeds the same real test inputs to both and fails when any logit differs by more than
``export.tolerance``: an exported model that quietly disagrees with the trained one is worse
than no export.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch

from .checkpoint import load_trained, trained_splits
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .metrics import update_metrics

ONNX_FILE = "model.onnx"


class ExportMismatch(RuntimeError):
    """Raised when ONNX Runtime's outputs differ from PyTorch's by more than the tolerance."""


def sample_inputs(checkpoint: dict, count: int = 64) -> np.ndarray:
    """Real inputs from the checkpoint's test split, as the exported model will see them."""
    return trained_splits(checkpoint).x_test[:count]


def export_onnx(config: dict) -> dict:
    """Write model.onnx beside the checkpoint, check it, and record the check in the metrics."""
    import onnxruntime

    export_config = config.get("export", {})
    out = run_dir(config)
    model, checkpoint = load_trained(config, torch.device("cpu"))
    inputs = torch.as_tensor(sample_inputs(checkpoint))
    path = out / ONNX_FILE
    with warnings.catch_warnings():
        # PyTorch 2.9+ prefers the torch.export-based exporter, which needs the onnxscript
        # package; the TorchScript-based one used here needs nothing beyond onnx.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            model,
            (inputs[:2],),
            str(path),
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
            opset_version=int(export_config.get("opset", 17)),
            dynamo=False,
        )
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (onnx_logits,) = session.run(["logits"], {"input": inputs.numpy()})
    with torch.no_grad():
        torch_logits = model(inputs).numpy()
    max_difference = float(np.abs(onnx_logits - torch_logits).max())
    tolerance = float(export_config.get("tolerance", 1e-4))
    if max_difference > tolerance:
        raise ExportMismatch(
            f"ONNX and PyTorch logits differ by up to {max_difference:.2e} (tolerance {tolerance})"
        )
    result = {
        "path": str(path),
        "samples_checked": int(len(inputs)),
        "max_abs_difference": max_difference,
        "agreeing_predictions": float((onnx_logits.argmax(1) == torch_logits.argmax(1)).mean()),
    }
    update_metrics(out, export=result)
    print(f"wrote {path}; ONNX Runtime matches PyTorch within {max_difference:.2e}")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    with reported_errors():
        export_onnx(config_from_args(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
