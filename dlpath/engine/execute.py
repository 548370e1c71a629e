"""Run one check against one learner file, in the current process, and build its verdict.

The child process calls this for every request; tests call it directly for speed. It never
raises: whatever the learner's file does in Python, the result is a Verdict.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from dlpath.engine.verdict import Verdict

Emit = Callable[[dict[str, Any]], None]


def _import_file(path: Path, name: str) -> ModuleType:
    """Import a file from its source, never from a cached .pyc: a learner who saves twice in one
    second with the same file size would otherwise get their previous version checked."""
    module = ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    try:
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def learner_traceback(exc: BaseException, learner_path: Path) -> list[str]:
    """The frames of ``exc``'s traceback that are in the learner's file, as readable lines."""
    target = str(learner_path.resolve())
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if str(Path(frame.filename).resolve()) == target:
            lines.append(f"{learner_path.name}, line {frame.lineno}, in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    if isinstance(exc, SyntaxError) and exc.lineno and not lines:
        lines.append(f"{learner_path.name}, line {exc.lineno}")
        if exc.text:
            lines.append(f"    {exc.text.strip()}")
    return lines


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    if len(first) > 300:
        first = first[:300] + "..."
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _raised_in_library(exc: BaseException, check_file: Path) -> str | None:
    """The library (torch, numpy, ...) that raised, when the check called into it with the
    learner's objects; None when the check's own code raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames or not isinstance(exc, (RuntimeError, ValueError, IndexError, TypeError)):
        return None
    last = Path(frames[-1].filename)
    if last.resolve() == check_file.resolve() or "checklib" in last.parts:
        return None
    if "site-packages" in last.parts or "dist-packages" in last.parts:
        index = last.parts.index("site-packages" if "site-packages" in last.parts
                                 else "dist-packages")
        return last.parts[index + 1] if index + 1 < len(last.parts) else None
    return None


_counter = 0
_SIGNATURE_MISMATCH = re.compile(
    r"\(\) (got an unexpected keyword|missing \d+ required|takes \d+ positional|"
    r"takes from \d+ to \d+ positional|got multiple values|takes no arguments)"
)


def execute_check(
    exercise: str,
    check_file: Path,
    learner_file: Path,
    checks_dir: Path,
    *,
    seed: int = 0,
    device: str = "cpu",
    emit: Emit = lambda event: None,
    problems: list[str] | None = None,
) -> Verdict:
    """Import the learner's file and the check, run ``check.run(ctx)``, return the verdict.

    What the learner's code changed in this process (torch's default dtype, the working folder,
    ``sys.path``, the modules it imported, ...) is put back afterwards, so the next check in the
    same process starts as this one did. Anything that could not be put back is appended to
    ``problems``: the process should then be retired.
    """
    from dlpath.engine.isolation import isolated_state
    from dlpath.paths import checks_dir as bundled_checks_dir

    trusted = [bundled_checks_dir(), checks_dir]
    with isolated_state(learner_file.parent, trusted, problems if problems is not None else []):
        return _execute(exercise, check_file, learner_file, checks_dir, seed, device, emit)


def _execute(
    exercise: str,
    check_file: Path,
    learner_file: Path,
    checks_dir: Path,
    seed: int,
    device: str,
    emit: Emit,
) -> Verdict:
    global _counter
    _counter += 1
    started = time.monotonic()
    verdict = Verdict(exercise=exercise, passed=False, device=device, seed=seed)
    # A pack's own checks come first; the bundled checklib serves packs that ship none.
    from dlpath.paths import checks_dir as bundled_checks_dir

    for folder in (bundled_checks_dir(), checks_dir):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    from checklib.context import CheckContext, CheckFailure
    from checklib.training import seed_everything

    ctx: Any = None
    try:
        seed_everything(seed)
        try:
            learner = _import_file(learner_file, f"dlpath_learner_{_counter}")
        except SyntaxError as exc:
            verdict.layer = "contract"
            where = f" at line {exc.lineno}" if exc.lineno else ""
            verdict.message = f"your file has a syntax error{where}: {exc.msg}"
            verdict.traceback = learner_traceback(exc, learner_file)
            return verdict
        except CheckFailure:
            raise
        except BaseException as exc:  # the learner's module-level code failed
            verdict.layer = "contract"
            verdict.message = f"your file fails when imported: {_describe(exc)}"
            verdict.traceback = learner_traceback(exc, learner_file)
            return verdict
        check = _import_file(check_file, f"dlpath_check_{_counter}")
        ctx = CheckContext(
            learner=learner, learner_path=learner_file, seed=seed, device=device, emit=emit
        )
        seed_everything(seed)
        check.run(ctx)
        verdict.passed = True
        verdict.layer = None
        verdict.message = "all checks passed"
    except CheckFailure as failure:
        verdict.layer = failure.layer or (ctx.current_layer if ctx else "contract")
        verdict.message = failure.message
        verdict.traceback = learner_traceback(failure, learner_file)
    except BaseException as exc:  # noqa: BLE001 - learner code may raise anything, even SystemExit
        frames = learner_traceback(exc, learner_file)
        verdict.layer = ctx.current_layer if ctx else "contract"
        verdict.traceback = frames
        if isinstance(exc, SystemExit):
            verdict.message = f"your code called sys.exit({exc.code!r}); return a value instead"
        elif isinstance(exc, KeyboardInterrupt):
            verdict.message = "your code raised KeyboardInterrupt"
        elif isinstance(exc, MemoryError):
            verdict.message = (
                "your code ran out of memory (MemoryError): is something far larger "
                "than it should be?"
            )
        elif isinstance(exc, NotImplementedError) and frames:
            verdict.message = (
                "not written yet: your code still raises NotImplementedError "
                f"({frames[0].split(' in ')[-1]})"
            )
        elif frames:
            verdict.message = f"your code raised {_describe(exc)}"
        elif library := _raised_in_library(exc, check_file):
            # e.g. a learner's nn.Sequential whose layer sizes do not fit: torch raises it, and
            # no line of the learner's file is on the stack.
            verdict.message = f"your code failed inside {library}: {_describe(exc)}"
        elif isinstance(exc, TypeError) and _SIGNATURE_MISMATCH.search(str(exc)):
            # Python rejected the call before entering the learner's function.
            verdict.layer = "contract"
            verdict.message = (
                f"your function's parameters differ from the task's signature: {_describe(exc)}"
            )
        else:
            verdict.layer = "internal"
            verdict.message = (
                f"the check itself failed ({_describe(exc)}); this is a bug in dlpath, "
                "not in your code"
            )
            verdict.traceback = traceback.format_exception(exc)[-6:]
    finally:
        verdict.duration = round(time.monotonic() - started, 3)
        if ctx is not None:
            verdict.metrics = dict(ctx.metrics)
    return verdict
