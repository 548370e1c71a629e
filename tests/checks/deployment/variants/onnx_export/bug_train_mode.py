"""Bug: the model is exported as it comes, in training mode."""

import onnx
import torch


def export_onnx(model, path, example_input):
    """Write `model` to `path` as ONNX: input "input", output "output", any batch size."""
    with torch.no_grad():
        torch.onnx.export(
            model,
            (example_input,),  # (B, features): traced once, at this batch size
            str(path),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},  # axis 0 is free
            training=torch.onnx.TrainingMode.PRESERVE,  # "keep the model as it is"
            dynamo=False,  # the TorchScript exporter: no extra package needed
        )
    onnx.checker.check_model(onnx.load(str(path)))  # raises if the graph is malformed
