"""Correct, written differently: check_model imported by name and given the path, opset 17,
the caller's training mode restored afterwards."""

import onnx
import torch
from onnx.checker import check_model


def export_onnx(model, path, example_input):
    was_training = model.training
    model.eval()
    axes = {name: {0: "n"} for name in ("input", "output")}
    torch.onnx.export(model, example_input, path, input_names=["input"],
                      output_names=["output"], dynamic_axes=axes, dynamo=False,
                      opset_version=17)
    model.train(was_training)  # leave the caller's model as it was
    check_model(path)
    onnx.load(path)
