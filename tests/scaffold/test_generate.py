"""`dlpath.scaffold`: the bundled templates, every option, and every way generation can refuse."""

from __future__ import annotations

import filecmp
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlpath.paths import templates_dir
from dlpath.scaffold import ScaffoldError, generate, list_templates

TEMPLATES = ("cv-project", "nlp-project", "tabular-project")
COOKIECUTTER = Path(sys.executable).parent / "cookiecutter"

ANSWER_KEYS = [
    "project_name", "project_slug", "package_name", "description", "author", "license",
    "python_version",
]  # fmt: skip
# (license, Python version) pairs: every license and every version at least once per template,
# without the full cross product.
OPTIONS = [("MIT", "3.11"), ("Apache-2.0", "3.10"), ("BSD-3-Clause", "3.12"), ("none", "3.11")]
LICENSE_FIRST_LINE = {
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Apache-2.0": "Copyright",
}
EVERY_PROJECT_HAS = [
    "pyproject.toml", "README.md", "Makefile", ".gitignore", ".github/workflows/ci.yml",
    "MODEL_CARD.md", "WRITEUP.md", "configs/default.yaml", ".dlpath-template.json",
    "tests/conftest.py", "tests/test_pipeline.py", "tests/test_distributed.py",
    "tests/test_task.py",
]  # fmt: skip
ENTRY_POINTS = ["train", "evaluate", "predict", "export", "bench", "report", "task"]
# Files every template carries word for word; cv-project's copies are compared with the others'.
SLUG, PACKAGE = "{{cookiecutter.project_slug}}", "src/{{cookiecutter.package_name}}"
SHARED_FILES = [
    "hooks/pre_gen_project.py", "hooks/post_gen_project.py",
    *(f"{SLUG}/{name}" for name in (
        "pyproject.toml", "Makefile", ".gitignore", "LICENSE", ".github/workflows/ci.yml",
        ".dlpath-template.json", "tests/conftest.py", "tests/test_pipeline.py",
        "tests/test_distributed.py",
    )),
    *(f"{SLUG}/{PACKAGE}/{name}.py" for name in (
        "__init__", "config", "device", "distributed", "splits", "metrics", "checkpoint",
        "train", "evaluate", "predict", "export", "bench", "report",
    )),
]  # fmt: skip


def test_list_templates_describes_each_bundled_template():
    templates = {t.name: t for t in list_templates()}
    assert sorted(templates) == list(TEMPLATES)
    for info in templates.values():
        assert info.description and info.version == "1.0.0"
        assert list(info.variable_names) == ANSWER_KEYS
        assert info.variable("license").choices == ("MIT", "Apache-2.0", "BSD-3-Clause", "none")
        assert info.variable("python_version").choices == ("3.11", "3.10", "3.12")
        assert info.variable("package_name").derived
        assert not info.variable("project_name").derived


def test_importing_the_api_does_not_import_cookiecutter():
    code = "import sys, dlpath.scaffold; print('cookiecutter' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_license_and_python_version_renders_cleanly(
    template, tmp_path, scaffold_homes, leftover_jinja, ruff
):
    for number, (license_name, python) in enumerate(OPTIONS):
        answers = {"project_name": f"Demo {number}", "license": license_name,
                   "python_version": python, "author": 'Ada "A." Lovelace'}
        project = generate(template, tmp_path / license_name, answers, no_input=True)
        assert project == tmp_path / license_name
        for name in EVERY_PROJECT_HAS:
            assert (project / name).is_file(), name
        package = project / "src" / f"demo_{number}"
        for name in ENTRY_POINTS:
            assert (package / f"{name}.py").is_file(), name
        assert leftover_jinja(project) == []
        license_file = project / "LICENSE"
        if license_name == "none":
            assert not license_file.exists()
        else:
            text = license_file.read_text()
            assert text.startswith(LICENSE_FIRST_LINE[license_name]) and 'Ada "A." Lovelace' in text
        pyproject = (project / "pyproject.toml").read_text()
        assert f'requires-python = ">={python}"' in pyproject
        assert 'authors = [{ name = "Ada \\"A.\\" Lovelace" }]' in pyproject
        assert f'target-version = "py{python.replace(".", "")}"' in pyproject
        assert ("license = " in pyproject) == (license_name != "none")
        ci = (project / ".github/workflows/ci.yml").read_text()
        assert "${{ github.ref }}" in ci and "${{ matrix.python-version }}" in ci
        assert f'"{python}"' in ci
        record = json.loads((project / ".dlpath-template.json").read_text())
        assert record["template"] == template and record["template_version"] == "1.0.0"
        assert record["answers"]["license"] == license_name
        assert record["answers"]["python_version"] == python
        assert record["answers"]["package_name"] == package.name
        linted = ruff(project)
        assert linted.returncode == 0, linted.stdout
    assert not any(scaffold_homes["user"].iterdir())  # no replay file, no config in the home


def test_templates_share_their_common_files_word_for_word():
    root = templates_dir()
    for other in TEMPLATES[1:]:
        different = [
            name for name in SHARED_FILES
            if not filecmp.cmp(root / TEMPLATES[0] / name, root / other / name, shallow=False)
        ]  # fmt: skip
        assert different == [], f"{other} has drifted from {TEMPLATES[0]}"


def test_default_destination_is_named_after_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = generate("nlp-project", answers={"project_name": "Spam Filter"}, no_input=True)
    assert project == tmp_path / "spam-filter"
    assert (project / "src" / "spam_filter" / "model.py").is_file()
    assert (project / "data" / "reviews.csv").is_file()


def test_the_stock_cookiecutter_command_makes_the_same_project(tmp_path, scaffold_homes):
    ours = generate("cv-project", tmp_path / "ours" / "digit-classifier", no_input=True)
    stock_out = tmp_path / "stock"
    subprocess.run(
        [str(COOKIECUTTER), str(templates_dir() / "cv-project"), "--no-input",
         "--output-dir", str(stock_out)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    stock = stock_out / "digit-classifier"
    comparison = filecmp.dircmp(ours, stock)
    assert_same_tree(comparison)


def assert_same_tree(comparison: filecmp.dircmp) -> None:
    assert comparison.left_only == [] and comparison.right_only == []
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    assert mismatch == [] and errors == []
    for sub in comparison.subdirs.values():
        assert_same_tree(sub)


def test_prompts_ask_each_question(tmp_path, monkeypatch):
    # project name, then Enter for every other question (the derived names and defaults)
    monkeypatch.setattr("sys.stdin", io.StringIO("Bird Songs\n" + "\n" * 6))
    project = generate("cv-project", tmp_path / "birds", {"license": "none"})
    record = json.loads((project / ".dlpath-template.json").read_text())
    assert record["answers"]["package_name"] == "bird_songs"
    assert record["answers"]["license"] == "none"


def test_closed_input_is_an_error_not_a_hang(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(ScaffoldError, match="no answer") as raised:
        generate("cv-project", tmp_path / "p")
    assert str(raised.value).endswith("use --no-input with --set key=value")
    assert not (tmp_path / "p").exists()


def test_help_shows_set_as_key_value():
    from typer.testing import CliRunner

    from dlpath.cli import app

    result = CliRunner().invoke(app, ["new", "--help"])
    assert result.exit_code == 0
    assert "--set KEY=VALUE" in result.output and "list[str]" not in result.output


@pytest.mark.parametrize(
    ("template", "answers", "message"),
    [
        ("gan-project", {}, "unknown template 'gan-project': choose one of cv-project"),
        ("cv-project", {"licence": "MIT"}, "unknown answer 'licence' for template cv-project"),
        ("cv-project", {"license": "GPL"}, "license 'GPL' is not offered"),
        ("cv-project", {"project_name": "3D Scans"}, "package_name '3d_scans'"),
        ("cv-project", {"project_name": "Class"}, "package_name 'class'"),
        ("cv-project", {"project_name": "json"}, "would hide the module"),
        ("cv-project", {"package_name": "My-Pkg"}, "package_name 'My-Pkg'"),
        ("cv-project", {"project_name": "!!!"}, "project_slug ''"),
        ("cv-project", {"author": "{{ 7 * 7 }}"}, "may not contain"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(tmp_path, template, answers, message):
    with pytest.raises(ScaffoldError, match=message) as raised:
        generate(template, tmp_path / "out" / "p", answers, no_input=True)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "out").exists()


# Dependencies of the generated project (and theirs), its tools, and a usual next install: a
# package of that name would hide the real one from the project's own code and tests.
@pytest.mark.parametrize(
    "answers",
    [
        {"project_name": "SciPy"}, {"project_name": "pytest"}, {"package_name": "_pytest"},
        {"project_name": "joblib"}, {"project_name": "threadpoolctl"}, {"project_name": "Pil"},
        {"project_name": "setuptools"}, {"project_name": "pandas"}, {"project_name": "ruff"},
        {"project_name": "onnxscript"},
    ],
)  # fmt: skip
def test_a_name_that_hides_a_dependency_is_refused(tmp_path, answers):
    with pytest.raises(ScaffoldError, match="would hide the module") as raised:
        generate("tabular-project", tmp_path / "out" / "p", answers, no_input=True)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "out").exists()


def test_a_name_that_hides_any_installed_module_is_refused(tmp_path, monkeypatch):
    with pytest.raises(ScaffoldError, match="would hide the installed module 'rich'"):
        generate("cv-project", tmp_path / "p1", {"project_name": "rich"}, no_input=True)
    # compared without case, as on macOS and Windows, where "camelmod/" hides "CamelMod"
    (tmp_path / "path").mkdir()
    (tmp_path / "path" / "CamelMod.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "path"))
    with pytest.raises(ScaffoldError, match="installed module 'CamelMod'") as raised:
        generate("cv-project", tmp_path / "p2", {"project_name": "camelmod"}, no_input=True)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "p1").exists() and not (tmp_path / "p2").exists()


def test_an_installed_dlpath_project_can_be_rendered_again(tmp_path, monkeypatch):
    # `make install` put the learner's project on the path; the portfolio check renders its
    # template again with the same answers, so that name must still be accepted
    answers = {"project_name": "Churn"}
    first = generate("tabular-project", tmp_path / "first", answers, no_input=True)
    monkeypatch.syspath_prepend(str(first / "src"))
    again = generate("tabular-project", tmp_path / "again", answers, no_input=True)
    assert (again / "src" / "churn" / "task.py").is_file()
    # the same layout without the record of a template is somebody else's package
    (first / ".dlpath-template.json").unlink()
    with pytest.raises(ScaffoldError, match="installed module 'churn'"):
        generate("tabular-project", tmp_path / "third", answers, no_input=True)


def test_the_hooks_refuse_the_same_names_as_dlpath():
    import ast

    from dlpath.scaffold.answers import TAKEN_NAMES

    for template in TEMPLATES:
        tree = ast.parse((templates_dir() / template / "hooks" / "pre_gen_project.py").read_text())
        (taken,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                    and any(getattr(t, "id", "") == "TAKEN" for t in node.targets)]  # fmt: skip
        assert ast.literal_eval(taken) == set(TAKEN_NAMES), template


def test_an_existing_destination_is_left_untouched(tmp_path):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ScaffoldError, match="already exists"):
        generate("tabular-project", dest, no_input=True)
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    assert (dest / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failure_half_way_leaves_nothing_behind(tmp_path, monkeypatch):
    import cookiecutter.generate

    real_generate_file = cookiecutter.generate.generate_file
    written = []

    def fail_after_five_files(project_dir, infile, *args, **kwargs):
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        written.append(infile)
        return real_generate_file(project_dir, infile, *args, **kwargs)

    monkeypatch.setattr(cookiecutter.generate, "generate_file", fail_after_five_files)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(ScaffoldError, match="No space left on device") as raised:
        generate("cv-project", work / "new" / "folders" / "project", no_input=True)
    assert "nothing was left behind" in str(raised.value)
    assert len(written) == 5
    assert list(work.iterdir()) == []  # no project, no staging folder, no new parent folders


@pytest.mark.parametrize("package", ["9lives", "scipy"])
def test_a_failing_hook_leaves_nothing_behind(tmp_path, monkeypatch, package):
    # get past dlpath's own checks to show the template's hook refuses a bad name by itself
    monkeypatch.setattr("dlpath.scaffold.generator.check_names", lambda answers: None)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(ScaffoldError, match="Hook script failed"):
        generate("cv-project", work / "p", {"package_name": package}, no_input=True)
    assert list(work.iterdir()) == []


# A generation that stops after five files, until it is signalled: as `dlpath new` runs it.
PAUSED_GENERATION = """
import signal, sys, time
for name in ("SIGTERM", "SIGHUP"):  # as from a terminal, even if the tests run under nohup
    signal.signal(getattr(signal, name), signal.SIG_DFL)
import cookiecutter.generate
real_generate_file = cookiecutter.generate.generate_file
written = []
def pause_after_five_files(*args, **kwargs):
    if len(written) == 5:
        print("paused", flush=True)
        time.sleep(60)
    written.append(args[1])
    return real_generate_file(*args, **kwargs)
cookiecutter.generate.generate_file = pause_after_five_files
from dlpath.cli import main
sys.argv = ["dlpath", "new", "cv-project", sys.argv[1], "--no-input"]
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_stop_signal_half_way_leaves_nothing_behind(tmp_path, signal_name):
    import signal

    work = tmp_path / "work"
    work.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSED_GENERATION, str(work / "new" / "project")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline() == "paused\n"
        assert any(p.name.endswith(".partial") for p in (work / "new").iterdir())
        child.send_signal(getattr(signal, signal_name))
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 128 + getattr(signal, signal_name), stderr
    assert list(work.iterdir()) == []  # no project, no staging folder, no new parent folder


@pytest.mark.skipif(sys.platform == "win32", reason="process ids are not checked on Windows")
def test_staging_left_by_a_killed_run_is_swept_and_a_running_ones_kept(tmp_path):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its process id now names no process
    work = tmp_path / "work"
    stale = work / f".project.{finished.pid}.abc123.partial"
    running = work / f".project.{os.getpid()}.def456.partial"
    other = work / f".project.v2.{finished.pid}.ghi789.partial"  # for "project.v2"
    for folder in (stale, running, other):
        (folder / "digit-classifier").mkdir(parents=True)
    generate("cv-project", work / "project", no_input=True)
    assert sorted(p.name for p in work.iterdir()) == sorted(["project", running.name, other.name])


def test_signal_handlers_are_put_back_and_threads_can_generate(tmp_path):
    import signal
    import threading

    before = signal.getsignal(signal.SIGTERM)
    generate("tabular-project", tmp_path / "main-thread", no_input=True)
    assert signal.getsignal(signal.SIGTERM) == before
    failures: list[BaseException] = []

    def in_thread() -> None:
        try:
            generate("tabular-project", tmp_path / "thread", no_input=True)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    worker = threading.Thread(target=in_thread)
    worker.start()
    worker.join()
    assert failures == [] and (tmp_path / "thread" / "pyproject.toml").is_file()
