"""Export a PyTorch model to ONNX with a dynamic batch axis, and validate the file.

The check hands you a trained model that contains batch-norm and dropout, still in training
mode, and runs the file you write with onnxruntime at batch sizes 1, 7 and 450.
"""

import onnx  # noqa: F401 - you will need it
import torch  # noqa: F401


def export_onnx(model, path, example_input):
    """Write `model` to the file `path` as an ONNX graph, then validate the file.

    - example_input: a float32 tensor (B, features) to trace the model with; any B.
    - The graph's input is named "input" and its output "output".
    - Axis 0 (the batch) of both is dynamic: the file must accept any batch size.
    - The graph is the inference graph: dropout off, batch-norm on its running statistics.
    - After writing, run onnx.checker.check_model on the file.
    Use torch.onnx.export(..., dynamo=False) (the TorchScript exporter needs no extra package).
    """
    # TODO: put the model in inference mode, export with names and dynamic_axes, check the file.
    raise NotImplementedError("export_onnx")
