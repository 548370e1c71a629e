"""Each template's generated project passes its own test suite and its own ruff, on a CPU.

These run a real project's tests in a subprocess: tiny training runs, an ONNX export, and a
2-process torchrun on gloo. The torchrun test starts three fresh interpreters, so it is the
costliest part; its code is shared word for word by the three templates (test_generate.py checks
that), so by default it runs for cv-project only, and for the other two under `-m slow`.
"""

from __future__ import annotations

import re
import time

import pytest

from dlpath.scaffold import generate

TEMPLATES = ("cv-project", "nlp-project", "tabular-project")
TORCHRUN_TEST = "tests/test_distributed.py"
OUTCOME_LINE = re.compile(r"^\S+::\S+ PASSED\b")

pytestmark = pytest.mark.xdist_group("scaffold-generated")


@pytest.mark.parametrize("template", TEMPLATES)
def test_generated_project_passes_its_tests_and_ruff(
    template, tmp_path, ruff, project_tests, leftover_jinja
):
    project = generate(template, tmp_path / "project", {"author": "Test Author"}, no_input=True)
    assert leftover_jinja(project) == []
    linted = ruff(project)
    assert linted.returncode == 0, linted.stdout
    started = time.perf_counter()
    torchrun = f"{TORCHRUN_TEST}::test_torchrun_trains_with_two_processes"
    done = project_tests(project, "-vv", "--deselect", torchrun)  # -q -vv: one line a test
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 deselected" in done.stdout
    # The portfolio check reads each test's outcome from `pytest -v` lines, one word per test
    # id: a parametrized test's id must hold no space.
    outcomes = [line for line in done.stdout.splitlines() if " PASSED" in line]
    assert outcomes, done.stdout[-2000:]
    assert [line for line in outcomes if not OUTCOME_LINE.match(line)] == []
    print(f"{template}: generated tests without torchrun {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize(
    "template",
    [TEMPLATES[0], *(pytest.param(t, marks=pytest.mark.slow) for t in TEMPLATES[1:])],
)
def test_generated_project_trains_under_torchrun(template, tmp_path, project_tests):
    project = generate(template, tmp_path / "project", no_input=True)
    started = time.perf_counter()
    done = project_tests(project, TORCHRUN_TEST)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
    print(f"{template}: generated torchrun test {time.perf_counter() - started:.1f} s")
