"""Check: `export_onnx` writes a valid ONNX file that serves any batch size like the model does.

Layers:
- contract: the function exists; the file it writes loads, passes onnx.checker, and has one
  float32 input named "input" and one output named "output". A missing onnxscript (the default
  exporter of torch >= 2.9 needs it) is explained: pass dynamo=False, or install it.
- values: the batch axis of input and output is dynamic; the graph is the inference graph (no
  Dropout node, batch-norm on running statistics); onnxruntime agrees with the model in eval mode
  at batch sizes 1, 7 and 450 (atol 1e-5); a second model, exported from a batch of one, works
  too (the function uses the example it is given).
- probes: `export_onnx` validates what it wrote with onnx.checker.check_model.
The model has batch-norm and dropout and is handed over in training mode, as after training.
Export and comparison run on the CPU, with one thread, whatever the device.
"""

from __future__ import annotations

import copy
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from checklib import CheckContext, assert_close, require_callable
from checklib.threads import one_cpu_thread

BATCHES = (1, 7, 450)
ATOL = 1e-5


def run(ctx: CheckContext) -> None:
    with one_cpu_thread("cpu"):
        _run(ctx)


def _run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    export_onnx = require_callable(ctx.learner, "export_onnx")
    onnx, ort = _imports(ctx)
    import torch

    torch.manual_seed(ctx.seed)
    model = _trained_model(torch, 6, 16, 3)
    oracle = copy.deepcopy(model).eval()
    spy = _CheckerSpy(onnx, ctx.learner)
    with tempfile.TemporaryDirectory(prefix="dlpath-onnx-") as tmp:
        path = str(Path(tmp) / "model.onnx")
        example = torch.randn(4, 6)
        with spy, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _export(ctx, export_onnx, model, path, example)
        proto = _load(ctx, onnx, path)
        _check_interface(ctx, proto, spy)

        ctx.layer("values")
        _check_dynamic(ctx, proto, caught)
        _check_inference_graph(ctx, proto)
        session = _session(ctx, ort, path)
        rng = np.random.default_rng(ctx.seed)
        for batch in BATCHES:
            x = rng.normal(size=(batch, 6)).astype(np.float32)
            _compare(ctx, session, oracle, x, f"at batch size {batch}")

        torch.manual_seed(ctx.seed + 1)
        second = _trained_model(torch, 9, 12, 2)
        second_oracle = copy.deepcopy(second).eval()
        path2 = str(Path(tmp) / "second.onnx")
        with spy, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _export(ctx, export_onnx, second, path2, torch.randn(1, 9))
        proto2 = _load(ctx, onnx, path2)
        _check_interface(ctx, proto2, spy, "for a second model (9 features in, 2 out)")
        _check_dynamic(ctx, proto2, caught, " of a second model exported from a batch of one")
        x = rng.normal(size=(5, 9)).astype(np.float32)
        _compare(ctx, _session(ctx, ort, path2), second_oracle, x,
                 "for a second model (9 features, exported from a batch of one) at batch 5")

    ctx.layer("probes")
    if spy.calls < 2:
        ctx.fail("export_onnx does not validate the file it wrote: call "
                 "onnx.checker.check_model on it (onnx.load(path) first, or pass the path) so a "
                 "broken export fails here, not in production")


def _imports(ctx: CheckContext) -> tuple[Any, Any]:
    try:
        import onnx
        import onnxruntime as ort
    except ImportError:
        ctx.fail("this check needs onnx and onnxruntime: pip install onnx onnxruntime")
    return onnx, ort


def _export(ctx: CheckContext, export_onnx: Any, model: Any, path: str, example: Any) -> None:
    """Call the learner's export_onnx; explain the one import error that is not their bug."""
    try:
        export_onnx(model, path, example)
    except Exception as exc:  # re-raised unless onnxscript is missing, whatever wraps it
        if not _missing_onnxscript(exc):
            raise
        ctx.fail("torch.onnx.export needs the onnxscript package, which is not installed: "
                 "since torch 2.9 its default is the newer exporter (dynamo=True), and that "
                 "one imports onnxscript. Pass dynamo=False to torch.onnx.export (the "
                 "TorchScript exporter this exercise uses), or install onnxscript with "
                 f"`{sys.executable} -m pip install onnxscript`", "contract")


def _missing_onnxscript(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from, is a failed import of onnxscript."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == \
                "onnxscript":
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _trained_model(torch: Any, d_in: int, hidden: int, d_out: int) -> Any:
    """Linear, BatchNorm1d, ReLU, Dropout, Linear; a few training steps; left in train mode."""
    nn = torch.nn
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                          nn.Dropout(0.3), nn.Linear(hidden, d_out))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    model.train()
    for _ in range(20):
        x = torch.randn(32, d_in) * 2 + 0.5
        loss = model(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


class _CheckerSpy:
    """Count calls of onnx.checker.check_model, however the learner's file refers to it."""

    def __init__(self, onnx: Any, learner: Any) -> None:
        self.onnx, self.learner, self.calls = onnx, learner, 0
        self.original = onnx.checker.check_model
        self.renamed: list[str] = []

    def __enter__(self) -> _CheckerSpy:
        original = self.original

        def check_model(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return original(*args, **kwargs)

        self.onnx.checker.check_model = check_model
        self.renamed = [k for k, v in vars(self.learner).items() if v is original]
        for name in self.renamed:
            setattr(self.learner, name, check_model)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.onnx.checker.check_model = self.original
        for name in self.renamed:
            setattr(self.learner, name, self.original)


def _load(ctx: CheckContext, onnx: Any, path: str) -> Any:
    file = Path(path)
    if not file.is_file() or file.stat().st_size == 0:
        ctx.fail(f"export_onnx wrote nothing at the path it was given ({file.name}): save the "
                 "ONNX file there", "contract")
    try:
        return onnx.load(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same verdict
        ctx.fail(f"the file export_onnx wrote is not an ONNX model onnx.load can read "
                 f"({type(exc).__name__})", "contract")


def _graph_io(proto: Any) -> tuple[list[Any], list[Any]]:
    initializers = {init.name for init in proto.graph.initializer}
    inputs = [v for v in proto.graph.input if v.name not in initializers]
    return inputs, list(proto.graph.output)


def _check_interface(ctx: CheckContext, proto: Any, spy: _CheckerSpy, where: str = "") -> None:
    on = f" {where}" if where else ""
    try:
        spy.original(proto)
    except Exception as exc:  # noqa: BLE001 - the checker's own error says what is wrong
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        ctx.fail(f"the exported file{on} fails onnx.checker.check_model: {first}", "contract")
    inputs, outputs = _graph_io(proto)
    if len(inputs) != 1 or len(outputs) != 1:
        ctx.fail(f"the graph{on} should have one input and one output; it has inputs "
                 f"{[v.name for v in inputs]} and outputs {[v.name for v in outputs]}",
                 "contract")
    names = (inputs[0].name, outputs[0].name)
    if names != ("input", "output"):
        ctx.fail(f"the graph's input is named {names[0]!r} and its output {names[1]!r}; the "
                 "serving code expects \"input\" and \"output\": pass input_names=['input'] and "
                 "output_names=['output'] (dynamic_axes refers to these names, so with the "
                 "default names it is silently ignored)", "contract")
    elem = inputs[0].type.tensor_type.elem_type
    if elem != 1:  # onnx.TensorProto.FLOAT
        ctx.fail(f"the graph's input has ONNX element type {elem}, not float32 (1): export "
                 "the float32 model with a float32 example input", "contract")


def _check_dynamic(ctx: CheckContext, proto: Any, caught: list[Any], where: str = "") -> None:
    inputs, outputs = _graph_io(proto)
    for role, value in (("input", inputs[0]), ("output", outputs[0])):
        dims = value.type.tensor_type.shape.dim
        if not dims:
            continue
        first = dims[0]
        if first.HasField("dim_value"):
            said = [str(w.message) for w in caught if "dynamic" in str(w.message).lower()]
            extra = f" (PyTorch warned: {said[0][:160]})" if said else ""
            ctx.fail(f"the batch axis of the graph's {role}{where} is fixed to "
                     f"{first.dim_value}, the example's batch size, so the file only accepts "
                     "batches of exactly that size: pass dynamic_axes={'input': {0: 'batch'}, "
                     f"'output': {{0: 'batch'}}}}{extra}")


def _check_inference_graph(ctx: CheckContext, proto: Any) -> None:
    ops = [node.op_type for node in proto.graph.node]
    training_bn = any(
        node.op_type == "BatchNormalization"
        and any(a.name == "training_mode" and a.i == 1 for a in node.attribute)
        for node in proto.graph.node
    )
    if "Dropout" in ops or training_bn:
        found = "a Dropout node" if "Dropout" in ops else "batch-norm in training mode"
        ctx.fail(f"the graph was exported in training mode: it contains {found}, so "
                 "predictions depend on the batch and dropout is applied. Call model.eval() "
                 "before exporting (and keep the exporter's default training mode, EVAL)")


def _session(ctx: CheckContext, ort: Any, path: str) -> Any:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - report onnxruntime's reason
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        ctx.fail(f"onnxruntime cannot load the exported file: {first}", "contract")


def _compare(ctx: CheckContext, session: Any, oracle: Any, x: np.ndarray, on: str) -> None:
    import torch

    try:
        got = session.run(["output"], {"input": x})[0]
    except Exception as exc:  # noqa: BLE001 - report onnxruntime's reason
        text = " ".join(str(exc).split())[:240]
        ctx.fail(f"onnxruntime fails on the exported model {on}: {text}")
    with torch.no_grad():
        want = oracle(torch.from_numpy(x)).numpy()
    assert_close(got, want, "onnxruntime's output", rtol=ATOL, atol=ATOL,
                 inputs=f"{on} (compared with the model in eval mode)")
