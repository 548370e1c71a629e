"""Finding, re-rendering and running a learner's `dlpath new` project for the portfolio check.

Nothing here writes into the learner's project: the report step runs in a copy, the template is
rendered afresh into a temporary folder, and the test suite runs in place with pytest's cache,
byte-code files and temporary folders all kept out of it (the suite writes its own runs under
pytest's temporary folder).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checklib.context import CheckFailure
from dlpath.scaffold.answers import RECORD_FILE as RECORD

DEFAULT_CONFIG = "configs/default.yaml"
# Never copied for the report step: version control, environments, caches, large files.
SKIP_NAMES = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", "__pycache__", ".pytest_cache",
     ".ruff_cache", ".mypy_cache", ".ipynb_checkpoints", "node_modules"}
)
MAX_COPIED_FILE = 5_000_000  # bytes; checkpoints and data are not needed to redraw the README
PROGRESS = re.compile(r"\[\s*(\d+)%\]\s*$")
OUTCOME = re.compile(r"^(\S+::\S+?)\s+(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b")
SUMMARY_LINE = re.compile(r"^(FAILED|ERROR) (.+)$")


@dataclass(frozen=True)
class Project:
    """A project made by `dlpath new`, as its .dlpath-template.json records it."""

    root: Path
    template: str
    version: str
    answers: dict[str, str]
    config: str = DEFAULT_CONFIG

    @property
    def package(self) -> str:
        return self.answers.get("package_name", "")


def _fail(message: str) -> CheckFailure:
    return CheckFailure(message, "contract")


def resolve_dir(value: object, learner_file: Path) -> Path:
    """PROJECT_DIR as a path: ``~`` expanded, relative to the learner's file's folder."""
    if not isinstance(value, (str, os.PathLike)):
        raise _fail(f"PROJECT_DIR should be a string (a folder path), not {type(value).__name__}")
    text = os.fspath(value).strip()
    if text in {"", "..."}:
        raise _fail(
            f"PROJECT_DIR is still {text!r}: generate a project with `dlpath new tabular-project "
            "~/projects/my-project` (or cv-project, nlp-project), make it yours, and set "
            "PROJECT_DIR to its folder"
        )
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = learner_file.parent / path
    return path.resolve()


def read_project(root: Path, config: str) -> Project:
    """The project at ``root``; fails naming what makes it no `dlpath new` project."""
    if not root.exists():
        raise _fail(f"PROJECT_DIR {root} does not exist: set it to the folder `dlpath new` made")
    if not root.is_dir():
        raise _fail(f"PROJECT_DIR {root} is a file, not a folder: give the project's folder")
    record = root / RECORD
    if not record.is_file():
        above = next((p for p in root.parents if (p / RECORD).is_file()), None)
        if above is not None:
            raise _fail(
                f"{root} is inside a dlpath project, not its top folder: set PROJECT_DIR to "
                f"{above}"
            )
        raise _fail(
            f"{root} is not a project made by `dlpath new`: it has no {RECORD}. Generate one "
            "(`dlpath new tabular-project DEST`), or point PROJECT_DIR at the one you made"
        )
    text = record.read_text(encoding="utf-8", errors="replace")
    if "{{" in text:
        raise _fail(
            f"{root} is a template's source folder, not a generated project: run `dlpath new` "
            "and point PROJECT_DIR at what it creates"
        )
    try:
        data = json.loads(text)
        template = str(data["template"])
        answers = {str(k): str(v) for k, v in dict(data["answers"]).items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise _fail(
            f"{record} is damaged ({type(exc).__name__}: {exc}); `dlpath new` writes it with "
            "the keys template, template_version and answers: restore it"
        ) from None
    return Project(root, template, str(data.get("template_version", "?")), answers, config)


def check_layout(project: Project) -> None:
    """The package, its report step and the README the report writes into are all there."""
    package = project.package
    src = project.root / "src" / package
    if not package or not (src / "__init__.py").is_file():
        raise _fail(
            f"{project.root}/src/{package or '<package>'}/ is missing: {RECORD} names the "
            f"package {package!r}; keep the package where the template put it"
        )
    if not (src / "report.py").is_file():
        raise _fail(
            f"src/{package}/report.py is missing: the README's results are redrawn with "
            f"`python -m {package}.report`, so keep the report step"
        )
    if not (project.root / project.config).is_file():
        raise _fail(
            f"the config {project.config} is not in the project: set CONFIG in your file to the "
            "config you ran `make all` with (relative to the project)"
        )
    for name in ("README.md", "MODEL_CARD.md", "WRITEUP.md"):
        if not (project.root / name).is_file():
            raise _fail(
                f"{name} is missing from {project.root}: the template wrote one; a portfolio "
                "project needs it (restore it from a fresh `dlpath new` and fill it in)"
            )


def render_fresh(project: Project, dest: Path) -> Path:
    """The same template rendered with the same answers into ``dest``: the project as it was
    before the learner touched it."""
    from dlpath.scaffold import ScaffoldError, generate
    from dlpath.scaffold.catalog import find_template

    try:
        info = find_template(project.template)
    except ScaffoldError as exc:
        raise _fail(
            f"{RECORD} says the project comes from template {project.template!r}, which this "
            f"dlpath does not have ({exc})"
        ) from None
    answers = {k: v for k, v in project.answers.items() if k in info.variable_names}
    try:
        return generate(project.template, dest, answers, no_input=True)
    except ScaffoldError as exc:
        raise _fail(
            f"the template cannot be rendered again with the answers in {RECORD}: {exc}"
        ) from None


def copy_project(root: Path, dest: Path) -> list[str]:
    """Copy the project for the report step; return the large files left out."""
    left_out: list[str] = []

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in SKIP_NAMES or n.endswith(".egg-info")}
        for name in names:
            path = Path(folder, name)
            if name not in skipped and path.is_file() and path.stat().st_size > MAX_COPIED_FILE:
                skipped.add(name)
                left_out.append(str(path.relative_to(root)))
        return skipped

    shutil.copytree(root, dest, ignore=ignore, symlinks=True)
    return left_out


def project_env(root: Path) -> dict[str, str]:
    """The environment a project's commands run in: its src/ first on the path, no display."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def last_error_line(output: str) -> str:
    """The line a failed command ended with (its error), shortened."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    text = lines[-1] if lines else "no output"
    return text if len(text) <= 300 else text[:300] + "..."


def run_report(copy: Project, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python -m <package>.report --config CONFIG`` in the copy, as `make report` runs it."""
    command = [sys.executable, "-m", f"{copy.package}.report", "--config", copy.config]
    try:
        return subprocess.run(
            command, cwd=copy.root, env=project_env(copy.root), capture_output=True,
            text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise CheckFailure(
            f"`python -m {copy.package}.report` ran past {timeout:.0f} s: the report step "
            "should only redraw figures and the README from the metrics file", "probes"
        ) from None


@dataclass
class TestRun:
    """What the project's test suite did."""

    returncode: int
    output: str
    seconds: float
    timed_out: bool = False
    outcomes: dict[str, str] = field(default_factory=dict)  # test id -> PASSED, FAILED, ...

    def summary_lines(self) -> list[str]:
        """pytest's short summary: "FAILED tests/x.py::test_y - AssertionError: ..."."""
        return [m.group(0) for line in self.output.splitlines() if (m := SUMMARY_LINE.match(line))]


def run_tests(
    root: Path,
    scratch: Path,
    timeout: float,
    on_progress: Callable[[int], None] = lambda percent: None,
) -> TestRun:
    """The project's pytest in a subprocess, stopping at the first failure, with progress."""
    log = scratch / "pytest-output.txt"
    command = [
        sys.executable, "-m", "pytest", "-x", "-vv", "-p", "no:cacheprovider",
        "--basetemp", str(scratch / "pytest-tmp"), "--color=no",
    ]
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            command, cwd=root, env=project_env(root), stdout=sink, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        timed_out = False
        try:
            while process.poll() is None:
                if time.monotonic() - started > timeout:
                    timed_out = True
                    break
                percent = _last_percent(log)
                if percent is not None:
                    on_progress(percent)
                time.sleep(0.25)
        finally:
            if process.poll() is None:
                _stop(process)
    output = log.read_text(encoding="utf-8", errors="replace")
    run = TestRun(process.returncode, output, time.monotonic() - started, timed_out)
    for line in output.splitlines():
        match = OUTCOME.match(line)
        if match:
            run.outcomes[match.group(1)] = match.group(2)
    return run


def _last_percent(log: Path) -> int | None:
    try:
        tail = log.read_bytes()[-400:].decode("utf-8", errors="replace")
    except OSError:
        return None
    found = [PROGRESS.search(line) for line in tail.splitlines()]
    values = [int(m.group(1)) for m in found if m]
    return values[-1] if values else None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop pytest and whatever it started (torchrun's workers), then reap it."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        process.kill()
    process.wait()


TestFunction = ast.FunctionDef | ast.AsyncFunctionDef


def template_tests(fresh: Path) -> dict[str, dict[str, TestFunction]]:
    """Each test file the template wrote, relative to the project, with its test functions."""
    return {
        path.relative_to(fresh).as_posix(): _functions(ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted((fresh / "tests").glob("test_*.py"))
    }


def _functions(tree: ast.Module) -> dict[str, TestFunction]:
    """The module's top-level functions named test*, by name."""
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name.startswith("test")
    }


def edited_template_tests(root: Path, fresh: Path) -> list[str]:
    """What the project no longer has as the template wrote it in its tests, each as
    ``"file::name (what changed)"``. Every top-level statement of the template's test files and
    conftest.py except its imports (test functions, fixtures, helpers, the constants the tests
    read) must be in the project's file, by ``ast.dump``: layout and comments may differ, and
    the learner may add their own. A file that does not parse is left to pytest."""
    edited = []
    for path in [*sorted((fresh / "tests").glob("test_*.py")), fresh / "tests" / "conftest.py"]:
        name = path.relative_to(fresh).as_posix()
        try:
            original = ast.parse(path.read_text(encoding="utf-8"))
            tree = ast.parse((root / name).read_text(encoding="utf-8", errors="replace"))
        except (OSError, SyntaxError, ValueError):
            continue
        have = {ast.dump(node) for node in tree.body}
        tests = _functions(tree)
        for node in original.body:
            if _is_import_or_docstring(node) or ast.dump(node) in have:
                continue
            if isinstance(node, TestFunction) and node.name.startswith("test"):
                mine = tests.get(node.name)
                why = _what_changed(mine, node) if mine else "it is gone from the file"
                edited.append(f"{name}::{node.name} ({why})")
            else:
                label = _statement_name(node)
                edited.append(f"{name}::{label} (changed or gone; the tests use it)")
    return edited


def _is_import_or_docstring(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _statement_name(node: ast.stmt) -> str:
    """A top-level statement as a learner would find it: its name, or its line."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    targets = node.targets if isinstance(node, ast.Assign) else (
        [node.target] if isinstance(node, ast.AnnAssign) else [])
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    return ", ".join(names) if names else f"line {node.lineno}"


def _what_changed(node: TestFunction, original: TestFunction) -> str:
    """In words: how a learner's test function differs from the template's."""
    old = [ast.dump(d) for d in original.decorator_list]
    added = [d for d in node.decorator_list if ast.dump(d) not in old]
    if added:
        shown = ", ".join(f"`@{ast.unparse(d)}`" for d in added)
        why = (": the test is skipped" if "skip" in shown
               else ": the test may fail" if "xfail" in shown else "")
        return f"{shown} added{why}"
    if [ast.dump(d) for d in node.decorator_list] != old:
        return "its decorators changed"
    if type(node) is not type(original) or ast.dump(node.args) != ast.dump(original.args):
        return "its signature changed"
    return "its body changed"
