"""Bug: torch.onnx.export without dynamo=False, where onnxscript is not installed.

Since torch 2.9 the exporter's default is dynamo=True, which imports onnxscript. Should onnxscript
be installed here, this file hides it while it exports, so the check always sees what a learner
without it sees.
"""

import contextlib
import importlib.abc
import importlib.util
import sys

import onnx
import torch


class _NoOnnxscript(importlib.abc.MetaPathFinder):
    """Answers every import of onnxscript as if the package were not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "onnxscript":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _hidden(name):
    """onnxscript, and the exporter modules that import it (imported anew while it is hidden)."""
    return name.split(".")[0] == "onnxscript" or name.startswith("torch.onnx._internal.exporter")


@contextlib.contextmanager
def _without_onnxscript():
    if "onnxscript" not in sys.modules and importlib.util.find_spec("onnxscript") is None:
        yield  # not installed: the real situation, nothing to simulate
        return
    saved = {name: module for name, module in sys.modules.items() if _hidden(name)}
    parent = sys.modules.get("torch.onnx._internal")
    exporter = getattr(parent, "exporter", None)
    for name in saved:
        del sys.modules[name]
    if exporter is not None:
        delattr(parent, "exporter")
    blocker = _NoOnnxscript()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:  # put everything back as it was
        sys.meta_path.remove(blocker)
        for name in [name for name in sys.modules if _hidden(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
        if exporter is not None:
            parent.exporter = exporter


def export_onnx(model, path, example_input):
    """Write `model` to `path` as ONNX: input "input", output "output", any batch size."""
    model.eval()
    with torch.no_grad(), _without_onnxscript():
        torch.onnx.export(
            model,
            (example_input,),
            str(path),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        )  # no dynamo=False: the default exporter is the one that needs onnxscript
    onnx.checker.check_model(onnx.load(str(path)))
