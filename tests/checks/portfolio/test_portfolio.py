"""Evidence for the portfolio check.

The learner's file only names a project, so the evidence builds real projects: a tabular-project
generated with dlpath.scaffold.generate into a temporary folder (with answers other than the
defaults, so the check must render the template with the recorded answers), trained, evaluated,
cross-validated and reported by the project's own code (a short run), its model card and
write-up then written as a learner would. That finished project, named by a learner file,
passes. (The check reads no seed: the project's own code fixes its seeds, so one run stands for
seeds 0, 1 and 2.) Each variant (variants/portfolio_project/*.py) changes a copy of it
as a learner might; every bug_* variant must fail in the expected layer with a message naming
what is missing, and every ok_* variant (a right answer written differently) must pass. No
verdict is ever "internal".

Timing: a passing verdict runs the project's whole test suite (about 30 s here, a torchrun test
included); so does a variant that breaks a template test. Those are slow.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from finished_portfolio import TEMPLATE, finish_project, generate_fresh
from harness import run_check, run_stub

from dlpath.engine.verdict import Verdict

MODULE = "portfolio"
EXERCISE = "portfolio_project"
VARIANTS = Path(__file__).parent / "variants" / EXERCISE


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as `dlpath new` writes it."""
    return generate_fresh(tmp_path_factory.mktemp("fresh") / "tumour-triage")


@pytest.fixture(scope="module")
def finished(fresh: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project after `make all` (a short run) and with its documents written."""
    home = tmp_path_factory.mktemp("home")  # matplotlib's cache goes here, not in the real home
    return finish_project(fresh, tmp_path_factory.mktemp("finished") / "tumour-triage", home)


def learner_file(folder: Path, project_dir: str, config: str | None = None) -> Path:
    path = folder / "portfolio_project.py"
    text = f"PROJECT_DIR = {project_dir!r}\n"
    if config is not None:
        text += f"CONFIG = {config!r}\n"
    path.write_text(text)
    return path


def copy_of(finished: Path, tmp_path: Path) -> Path:
    project = tmp_path / "tumour-triage"
    shutil.copytree(finished, project)  # copy2 keeps the times: the README stays newest
    return project


def check(project: Path, tmp_path: Path, config: str | None = None) -> Verdict:
    verdict = run_check(MODULE, EXERCISE, learner_file(tmp_path, str(project), config))
    assert verdict.layer != "internal", verdict.message + "\n" + "\n".join(verdict.traceback)
    return verdict


def load_variant(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"portfolio_variant_{name}", VARIANTS /
                                                  f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# variant -> (layer, words the message must contain)
BUGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bug_untouched": ("values", ("2 things to fix",
                                 "MODEL_CARD.md is still exactly as the template wrote it",
                                 "WRITEUP.md is still exactly")),
    "bug_one_prompt_left": ("values", ("WRITEUP.md still has 1 line(s) with a TODO(you)",
                                       "(Cost)")),
    "bug_notes_kept": ("values", ("MODEL_CARD.md still has", "line 4", "notes to you")),
    "bug_markers_deleted": ("values", ("still holds the template's prompt under 'Intended use'",
                                       "deleting the TODO(you) marker is not answering it")),
    "bug_thin_section": ("values", ("'Limitations and risks' section has 2 word(s)",)),
    "bug_no_results_quoted": ("values", ("WRITEUP.md quotes no result",)),
    "bug_readme_hand_edited": ("probes", ("not what the project's code writes",
                                          "0.991", "by hand")),
    "bug_readme_stale": ("probes", ("results are stale", "runs/default/metrics.json",
                                    "make report")),
    "bug_readme_placeholder": ("probes", ("still the template's placeholder", "make all")),
    "bug_after_make_clean": ("probes", ("runs/default/metrics.json is missing", "make clean")),
    "bug_markers_removed": ("probes", ("lost its results markers",)),
    "bug_figures_missing": ("probes", ("reports/figures/training_curve.png",
                                       "no such file")),
    "bug_failing_own_test": ("training", ("tests fail",
                                          "test_calibration.py::test_probabilities")),
    "bug_template_test_deleted": ("training", ("tests/test_distributed.py", "is gone")),
    "bug_template_test_skipped": ("training", ("test_mlp_standardizes_and_fills_missing_values",
                                               "skipped")),
    "bug_broken_model": ("training", ("tests fail",
                                      "test_mlp_standardizes_and_fills_missing_values")),
    "bug_template_test_weakened": ("training", ("test_mlp_standardizes_and_fills_missing_values",
                                                "must stay as written",
                                                "add your own tests beside them")),
    "bug_template_constant_changed": ("training", ("tests/test_task.py::LEARNS",
                                                   "changed or gone", "must stay as written")),
    "bug_record_deleted": ("contract", ("not a project made by `dlpath new`",
                                        ".dlpath-template.json")),
}
# These run the project's whole test suite before failing (or passing): about 30 s each. A
# template test edited or marked skip fails before the suite runs.
SLOW = {"bug_broken_model"}
OK = sorted(p.stem for p in VARIANTS.glob("ok_*.py"))


def test_every_variant_file_is_listed():
    files = {p.stem for p in VARIANTS.glob("*.py")}
    assert OK and files == set(BUGS) | set(OK)


def test_finished_project_passes(finished, tmp_path):
    verdict = check(finished, tmp_path)
    assert verdict.passed, verdict.message
    assert verdict.metrics["tests_passed"] >= 14


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(BUGS)]
)
def test_buggy_project_fails(name, finished, fresh, tmp_path):
    project = copy_of(finished, tmp_path)
    load_variant(name).apply(project, fresh)
    verdict = check(project, tmp_path)
    layer, words = BUGS[name]
    assert not verdict.passed, f"{name} passed"
    assert verdict.layer == layer, (verdict.layer, verdict.message)
    for word in words:
        assert word in verdict.message, (word, verdict.message)


@pytest.mark.slow
@pytest.mark.parametrize("name", OK)
def test_correct_variant_passes(name, finished, fresh, tmp_path):
    project = copy_of(finished, tmp_path)
    variant = load_variant(name)
    variant.apply(project, fresh)
    verdict = check(project, tmp_path, config=getattr(variant, "CONFIG", None))
    assert verdict.passed, verdict.message


def test_folder_that_is_no_dlpath_project_fails(tmp_path):
    plain = tmp_path / "my-project"
    (plain / "src").mkdir(parents=True)
    (plain / "README.md").write_text("# My project\n")
    verdict = check(plain, tmp_path)
    assert not verdict.passed and verdict.layer == "contract"
    assert "is not a project made by `dlpath new`" in verdict.message


def test_subfolder_of_a_project_names_the_top_folder(finished, tmp_path):
    verdict = check(finished / "src", tmp_path)
    assert not verdict.passed and verdict.layer == "contract"
    assert f"set PROJECT_DIR to {finished}" in verdict.message


def test_missing_folder_and_relative_paths(finished, tmp_path):
    verdict = check(tmp_path / "nowhere", tmp_path)
    assert verdict.layer == "contract" and "does not exist" in verdict.message
    # A relative PROJECT_DIR is read from the learner file's folder, whatever the working dir.
    shutil.copytree(finished, tmp_path / "work" / "proj", symlinks=True)
    (tmp_path / "work" / "proj" / "README.md").write_text("# no markers\n")
    learner = learner_file(tmp_path / "work", "proj")
    verdict = run_check(MODULE, EXERCISE, learner)
    assert verdict.layer == "probes" and "lost its results markers" in verdict.message


def test_template_source_folder_is_refused(tmp_path):
    from dlpath.paths import templates_dir

    source = templates_dir() / TEMPLATE / "{{cookiecutter.project_slug}}"
    verdict = check(source, tmp_path)
    assert verdict.layer == "contract" and "template's source folder" in verdict.message


def test_wrong_config_name_is_a_contract_failure(finished, tmp_path):
    verdict = check(finished, tmp_path, config="configs/final.yaml")
    assert verdict.layer == "contract" and "configs/final.yaml" in verdict.message


def test_stub_fails_cleanly():
    verdict = run_stub(MODULE, EXERCISE)
    assert not verdict.passed and verdict.layer == "contract"
    assert "PROJECT_DIR is still '...'" in verdict.message
    assert "dlpath new" in verdict.message


def test_reference_solution_names_a_project():
    from harness import exercise

    text = exercise(MODULE, EXERCISE).solution.read_text()
    assert 'PROJECT_DIR = "~/projects/' in text and "CONFIG =" in text
