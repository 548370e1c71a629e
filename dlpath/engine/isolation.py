"""Keep one check from changing the next: the process state a learner's file can leave behind.

The child process is reused across the checks of a run, so a learner file that calls
``torch.set_default_dtype(torch.float64)``, turns gradients off, changes directory or adds to
``sys.path`` would otherwise change the verdict of every later check. ``isolated_state`` saves
that state before a check and puts it back after it. (The child imports torch, and with it
NumPy, before its first check, so both are always there to save.)
"""

from __future__ import annotations

import contextlib
import os
import site
import sys
import sysconfig
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Restore = Callable[[], None]


def _folders(paths: list[str]) -> list[str]:
    """Each folder, real and ending in a separator, so a prefix test matches whole names."""
    return [os.path.join(os.path.realpath(p), "") for p in paths if p]


def _trusted_roots(extra: list[Path]) -> list[str]:
    """Folders whose modules are not the learner's: the interpreter, installed packages, dlpath
    and the checks."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            paths.add(sysconfig.get_paths()[name])
    paths.update(site.getsitepackages())
    paths.add(site.getusersitepackages())
    paths.add(str(Path(__file__).resolve().parents[1]))  # the dlpath package
    paths.update(str(folder) for folder in extra)
    return _folders(sorted(paths))


def _origins(module: Any) -> list[str]:
    """Where a module was loaded from: its file, or a namespace package's folders."""
    file = getattr(module, "__file__", None)
    if isinstance(file, str):
        return [file]
    path = getattr(module, "__path__", None)
    try:
        return [p for p in path if isinstance(p, str)] if path is not None else []
    except TypeError:  # a __path__ that is not iterable
        return []


def _is_learners(name: str, module: Any, learner_roots: list[str], trusted: list[str]) -> bool:
    """A module the learner's code added: loaded from the learner's folders (theirs, the working
    folder, one they put on ``sys.path``), not from the interpreter, a package, dlpath or checks."""
    if name.startswith(("dlpath_learner_", "dlpath_check_")):
        return True
    for origin in map(os.path.realpath, _origins(module)):
        if any(origin.startswith(root) for root in learner_roots) and not any(
            origin.startswith(root) for root in trusted
        ):
            return True
    return False


def _save_torch(torch: Any) -> Restore:
    dtype = torch.get_default_dtype()
    grad = torch.is_grad_enabled()
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    deterministic_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    anomaly = torch.is_anomaly_enabled()
    anomaly_nan = torch.is_anomaly_check_nan_enabled()
    precision = torch.get_float32_matmul_precision()
    device = torch.get_default_device()
    cudnn = torch.backends.cudnn
    cudnn_flags = (cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32)
    matmul_tf32 = torch.backends.cuda.matmul.allow_tf32

    def restore() -> None:
        torch.set_default_dtype(dtype)
        torch.set_grad_enabled(grad)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic, warn_only=deterministic_warn)
        torch.set_anomaly_enabled(anomaly, anomaly_nan)
        torch.set_float32_matmul_precision(precision)
        _restore_default_device(torch, device)
        cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32 = cudnn_flags
        torch.backends.cuda.matmul.allow_tf32 = matmul_tf32

    return restore


def _restore_default_device(torch: Any, device: Any) -> None:
    """Put back the default device; the CPU as no device context at all (a context on the CPU
    would route every torch call through a Python mode)."""
    if torch.get_default_device() != device:
        torch.set_default_device(None if device.type == "cpu" else device)


def _save_numpy(numpy: Any) -> Restore:
    errors = numpy.geterr()
    printing = numpy.get_printoptions()

    def restore() -> None:
        numpy.seterr(**errors)
        numpy.set_printoptions(**printing)

    return restore


@contextlib.contextmanager
def isolated_state(
    learner_folder: Path, trusted_folders: list[Path], problems: list[str]
) -> Iterator[None]:
    """Run the body, then restore what a learner's code may have changed in this process.

    What cannot be put back is appended to ``problems`` (the caller should then retire the
    process) rather than raised: the verdict of the check that just ran still stands.
    """
    cwd = os.getcwd()
    path = list(sys.path)
    environ = dict(os.environ)
    recursion = sys.getrecursionlimit()
    modules = set(sys.modules)
    import numpy
    import torch

    restores: list[tuple[str, Restore]] = [
        ("torch", _save_torch(torch)),
        ("numpy", _save_numpy(numpy)),
    ]
    try:
        with warnings.catch_warnings():
            yield
    finally:
        added_paths = [p for p in sys.path if isinstance(p, str) and p not in path]

        def restore_environ() -> None:
            if dict(os.environ) != environ:
                os.environ.clear()
                os.environ.update(environ)

        restores += [
            ("the working folder", lambda: os.chdir(cwd)),
            ("sys.path", lambda: sys.path.__setitem__(slice(None), path)),
            ("os.environ", restore_environ),
            ("the recursion limit", lambda: sys.setrecursionlimit(recursion)),
        ]
        for what, restore in restores:
            try:
                restore()
            except Exception as exc:  # noqa: BLE001 - reported: the caller retires the process
                problems.append(f"could not restore {what}: {type(exc).__name__}: {exc}")
        learner_roots = _folders([str(learner_folder), cwd, *added_paths])
        trusted = _trusted_roots(trusted_folders)
        for name in set(sys.modules) - modules:
            if _is_learners(name, sys.modules.get(name), learner_roots, trusted):
                sys.modules.pop(name, None)
