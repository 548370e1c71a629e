"""Check: the learner's portfolio project, made with `dlpath new` and made their own.

The learner's file only names the project: PROJECT_DIR (and CONFIG, the config they ran
`make all` with; configs/default.yaml unless set). The check reads the project and never writes
into it. Layers:
- contract: the folder exists and was made by `dlpath new` (its .dlpath-template.json names a
  bundled template and the answers it was given); its package, report step, config, README,
  model card and write-up are there; the template renders again with the same answers.
- values: MODEL_CARD.md and WRITEUP.md against that fresh render: not as the template wrote them,
  no TODO(you) marker left, no prompt kept once its marker was deleted, every prompted section
  answered in the author's own words, and the write-up quotes a result.
- probes: the README's results are what the project's own code writes. Not the template's
  placeholder; `python -m <package>.report` rerun in a copy of the project must redraw exactly
  the committed section from the run's metrics file (a hand-edited table fails, and so does one
  left stale by a later run; the first differing line is named); the figures it links exist.
- training: the project's test suite passes (pytest in a subprocess with this interpreter and
  PYTHONPATH=src, stopping at the first failure); the template's test files are still there,
  everything in them and in conftest.py but the imports (test functions, fixtures, helpers,
  constants) is as the template wrote it (compared by AST, decorators included, before the
  suite runs), and each test passed (one deleted, skipped or weakened fails).
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

from checklib import CheckContext
from checklib.portfolio_docs import (
    first_difference,
    image_links,
    results_section,
    review_document,
    section_lines,
)
from checklib.portfolio_run import (
    DEFAULT_CONFIG,
    Project,
    check_layout,
    copy_project,
    edited_template_tests,
    last_error_line,
    read_project,
    render_fresh,
    resolve_dir,
    run_report,
    run_tests,
    template_tests,
)

REPORT_TIMEOUT = 90.0  # seconds; the report step takes a few
TESTS_TIMEOUT = 240.0  # seconds; a template's suite takes about a minute on a 2-core CPU
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DOCUMENTS = (("MODEL_CARD.md", False), ("WRITEUP.md", True))  # (file, must quote a result)


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    project = _project(ctx)
    with tempfile.TemporaryDirectory(prefix="dlpath-portfolio-") as tmp:
        scratch = Path(tmp)
        ctx.log(f"rendering {project.template} again with the answers in .dlpath-template.json")
        fresh = render_fresh(project, scratch / "fresh")
        _check_documents(ctx, project, fresh)
        _check_results(ctx, project, fresh, scratch)
        _check_tests(ctx, project, fresh, scratch)


def _project(ctx: CheckContext) -> Project:
    if not hasattr(ctx.learner, "PROJECT_DIR"):
        ctx.fail("your file defines no PROJECT_DIR: keep the name from the stub")
    root = resolve_dir(ctx.learner.PROJECT_DIR, ctx.learner_path)
    config = getattr(ctx.learner, "CONFIG", DEFAULT_CONFIG)
    if not isinstance(config, str) or not config.strip():
        ctx.fail(f"CONFIG should be a config file's path inside the project, e.g. "
                 f"{DEFAULT_CONFIG!r}, not {config!r}")
    project = read_project(root, config.strip())
    check_layout(project)
    ctx.log(f"{root}: a {project.template} project (template version {project.version}), "
            f"package {project.package}")
    return project


def _joined(problems: list[str], most: int = 4) -> str:
    if len(problems) == 1:
        return problems[0]
    shown = " ".join(f"({i}) {p}." for i, p in enumerate(problems[:most], start=1))
    more = len(problems) - most
    return f"{len(problems)} things to fix. {shown}" + (f" And {more} more." if more > 0 else "")


def _check_documents(ctx: CheckContext, project: Project, fresh: Path) -> None:
    ctx.layer("values")
    problems = []
    for name, must_quote in DOCUMENTS:
        text = (project.root / name).read_text(encoding="utf-8", errors="replace")
        template = (fresh / name).read_text(encoding="utf-8")
        problems += review_document(name, text, template, require_result=must_quote)
    if problems:
        ctx.fail(_joined(problems))


def _metrics_file(project: Project) -> Path:
    """Where the project's config keeps the run's metrics (the report step's only input)."""
    import yaml

    try:
        config = yaml.safe_load((project.root / project.config).read_text(encoding="utf-8"))
        output_dir = str(config.get("output_dir", "runs/default"))
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        output_dir = "runs/default"
    return project.root / output_dir / "metrics.json"


def _check_results(ctx: CheckContext, project: Project, fresh: Path, scratch: Path) -> None:
    ctx.layer("probes")
    readme = project.root / "README.md"
    committed = results_section(readme.read_text(encoding="utf-8", errors="replace"))
    if committed is None:
        ctx.fail("README.md has lost its results markers (<!-- results:start --> and "
                 "<!-- results:end -->): the report step writes the results between them; put "
                 "them back, each on a line of its own")
    placeholder = results_section((fresh / "README.md").read_text(encoding="utf-8")) or ""
    if section_lines(committed) == section_lines(placeholder):
        ctx.fail("README.md's results are still the template's placeholder (\""
                 f"{' '.join(section_lines(placeholder))[:60]}...\"): run `make all` in the "
                 "project (train, evaluate, report) and keep the README it writes")
    metrics = _metrics_file(project)
    shown = metrics.relative_to(project.root) if metrics.is_relative_to(project.root) else metrics
    copy = dataclasses.replace(project, root=scratch / "copy")
    left_out = copy_project(project.root, copy.root)
    if left_out:
        ctx.log(f"not copied for the report step (large files): {', '.join(left_out[:5])}")
    ctx.log(f"redrawing the README's results with `python -m {project.package}.report`")
    done = run_report(copy, REPORT_TIMEOUT)
    if done.returncode != 0:
        error = last_error_line(done.stderr + "\n" + done.stdout if done.stderr else done.stdout)
        if not metrics.is_file():
            ctx.fail(f"the report step cannot redraw the README: {shown} is missing ({error}). "
                     "Run `make all` in the project (`make clean` deletes runs/), then check "
                     "again")
        ctx.fail(f"`python -m {project.package}.report --config {project.config}` fails in a "
                 f"copy of your project: {error}. Run `make report` there and fix what it says")
    redrawn = results_section((copy.root / "README.md").read_text(encoding="utf-8"))
    if redrawn is None:
        ctx.fail(f"`python -m {project.package}.report` wrote a README without the results "
                 "markers: the report step must keep them")
    got, want = section_lines(committed), section_lines(redrawn)
    if got != want:
        line, have, wrote = first_difference(got, want)
        where = (f"line {line} of README.md's results reads {have!r} where the report writes "
                 f"{wrote!r}")
        readme_time = readme.stat().st_mtime
        if metrics.is_file() and metrics.stat().st_mtime > readme_time:
            ctx.fail(f"README.md's results are stale: {shown} changed after the README was last "
                     f"written ({where}). You trained or evaluated again since `make report`: "
                     "run it again and keep what it writes")
        ctx.fail(f"README.md's results are not what the project's code writes from {shown}: "
                 f"{where}. A results table is never edited by hand: rerun `make report` (or "
                 "`make all`) and keep what it writes")
    for link in image_links(redrawn):
        figure = readme.parent / link
        if not figure.is_file():
            ctx.fail(f"README.md shows {link}, but the project has no such file: keep the "
                     "figures `make report` draws (a reader sees them beside the table)")
        if figure.suffix.lower() == ".png" and not figure.read_bytes().startswith(PNG_SIGNATURE):
            ctx.fail(f"{link} is not a PNG image: rerun `make report` to redraw it")
    ctx.metric("results_lines", len(want))


def _missing_module(output: str, package: str) -> str | None:
    """A dependency the interpreter lacks (not a typo in the project's own imports)."""
    import re

    for name in re.findall(r"No module named '([\w.]+)'", output):
        top = name.split(".")[0]
        if top != package and top != "tests":
            return top
    return None


def _check_tests(ctx: CheckContext, project: Project, fresh: Path, scratch: Path) -> None:
    ctx.layer("training")
    expected = template_tests(fresh)
    gone = [name for name in expected if not (project.root / name).is_file()]
    if gone:
        ctx.fail(f"{', '.join(gone)}, which the template wrote, is gone from the project: keep "
                 "the template's tests (add yours beside them); they are how a reviewer knows "
                 "the pipeline works")
    edited = edited_template_tests(project.root, fresh)
    if edited:
        more = f" (and {len(edited) - 1} more)" if len(edited) > 1 else ""
        ctx.fail(f"the template's test {edited[0]}{more} is not as the template wrote it: the "
                 "template's tests must stay as written (add your own tests beside them). A "
                 "weakened, skipped or deleted test proves nothing: when one fails after a "
                 "change, fix the code it caught")
    ctx.log("running the project's test suite: tiny training runs, about a minute on a CPU")
    tests = run_tests(
        project.root, scratch, TESTS_TIMEOUT,
        lambda percent: ctx.progress(percent, 100, metric_name="% of tests run"),
    )
    ctx.metric("test_seconds", tests.seconds)
    place = f"Run `make test` in {project.root} to see the whole report"
    if tests.timed_out:
        ctx.fail(f"your project's tests ran past {TESTS_TIMEOUT:.0f} s and were stopped: keep "
                 f"the suite to tiny runs (the template's takes about a minute). {place}")
    if tests.returncode != 0:
        missing = _missing_module(tests.output, project.package)
        if missing:
            ctx.fail(f"your project's tests need the module {missing!r}, which the Python "
                     f"running dlpath ({sys.executable}) does not have: install it there "
                     f"(`{sys.executable} -m pip install {missing}`)")
        if tests.returncode == 5:
            ctx.fail(f"pytest found no tests in {project.root}/tests. {place}")
        summary = tests.summary_lines()
        first = summary[0] if summary else last_error_line(tests.output)
        ctx.fail(f"your project's tests fail (pytest stopped at the first failure): {first}. "
                 f"{place}, fix it, and check again")
    passed = {test for test, outcome in tests.outcomes.items() if outcome == "PASSED"}
    for name, functions in expected.items():
        for function in functions:
            test = f"{name}::{function}"
            if not any(p == test or p.startswith(f"{test}[") for p in passed):
                outcome = next((o for t, o in tests.outcomes.items()
                                if t == test or t.startswith(f"{test}[")), "not run (removed?)")
                ctx.fail(f"the template's test {test} did not pass: it was {outcome.lower()}. "
                         "A skipped or deleted test proves nothing: keep the template's tests "
                         "running, and passing")
    ctx.metric("tests_passed", len(passed))
