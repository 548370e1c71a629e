"""Every mistake an author can make is one line naming the file, the line and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlpath.curriculum.loader import load_curriculum
from dlpath.errors import CurriculumError

PACK = Path(__file__).parents[1] / "fixtures" / "pack"


@pytest.fixture
def broken(tmp_path) -> Path:
    """A copy of the fixture pack to break; returns its curriculum folder."""
    shutil.copytree(PACK, tmp_path / "pack")
    return tmp_path / "pack" / "curriculum"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def problems(folder: Path) -> list[str]:
    with pytest.raises(CurriculumError) as caught:
        load_curriculum(folder)
    return caught.value.problems


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_the_fixture_pack_is_valid():
    curriculum = load_curriculum(PACK / "curriculum")
    assert [m.id for m in curriculum.modules] == ["basics", "advanced"]


def test_unknown_key(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2\n", "hours: 2\ndifficulty: hard\n")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'difficulty')}: difficulty: unknown key"
    ]


def test_wrong_type(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "time_budget: 20", "time_budget: soon")
    (problem,) = problems(broken)
    assert problem.startswith(
        f"{module}:{line_of(module, 'time_budget: soon')}: exercises[0].time_budget: "
    )
    assert "'soon' is not of type 'number'" in problem


def test_missing_required_field(broken):
    module = broken / "advanced" / "module.yaml"
    edit(module, "summary: Multiplying.\n", "")
    (problem,) = problems(broken)
    assert problem.startswith(f"{module}:1: ") and "`summary` is a required property" in problem


def test_missing_lesson_file(broken):
    module = broken / "basics" / "module.yaml"
    (broken / "basics" / "lessons" / "02-lines.md").unlink()
    (problem,) = problems(broken)
    assert problem.startswith(
        f"{module}:{line_of(module, '02-lines')}: lessons[1].file: file not found: "
    )


def test_missing_stub(broken):
    (broken / "advanced" / "stubs" / "multiply.py").unlink()
    (problem,) = problems(broken)
    assert "exercises[0].stub: file not found" in problem


def test_solution_must_share_the_stub_name(broken):
    module = broken / "advanced" / "module.yaml"
    shutil.copy(broken / "advanced/solutions/multiply.py", broken / "advanced/solutions/mul.py")
    edit(module, "solution: solutions/multiply.py", "solution: solutions/mul.py")
    (problem,) = problems(broken)
    assert "exercises[0].solution" in problem and "multiply.py" in problem


def test_check_that_does_not_exist(broken):
    module = broken / "advanced" / "module.yaml"
    edit(module, "check: advanced/multiply", "check: advanced/multiplication")
    (problem,) = problems(broken)
    assert problem.startswith(f"{module}:{line_of(module, 'check: advanced')}: exercises[0].check")
    assert "multiplication.py" in problem


def test_duplicate_ids(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "{id: lines,", "{id: adding,")
    (problem,) = problems(broken)
    assert (
        problem == f"{module}:{line_of(module, '02-lines')}: lessons[1].id: duplicate id `adding`"
    )


def test_duplicate_key(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2\n", "hours: 2\nhours: 3\n")
    assert problems(broken) == [f"{module}:{line_of(module, 'hours: 3')}: hours: duplicate key"]


def test_exercise_id_shared_between_modules(broken):
    module = broken / "advanced" / "module.yaml"
    edit(module, "  - id: multiply", "  - id: add")
    (problem,) = problems(broken)
    assert problem.endswith("exercises[0].id: exercise id `add` is also in `basics`")


def test_prerequisite_cycle(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "prerequisites: []", "prerequisites: [advanced]")
    found = problems(broken)
    assert any(
        p.startswith(
            f"{module}:{line_of(module, 'prerequisites')}: prerequisites[0]: "
            "prerequisite cycle: basics -> advanced -> basics"
        )
        for p in found
    )


def test_unknown_prerequisite(broken):
    module = broken / "advanced" / "module.yaml"
    edit(module, "prerequisites: [basics]", "prerequisites: [basics, calculus]")
    (problem,) = problems(broken)
    assert problem.endswith("prerequisites[1]: unknown module `calculus`")


def test_quiz_answer_not_among_options(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "    answer: b", "    answer: c")
    (problem,) = problems(broken)
    assert problem.startswith(f"{module}:{line_of(module, 'answer: c')}: quiz[0].answer")
    assert "`c`" in problem


def test_id_differs_from_folder(broken):
    module = broken / "advanced" / "module.yaml"
    edit(module, "id: advanced", "id: expert")
    (problem,) = problems(broken)
    assert problem == f"{module}:1: id: `expert` differs from its folder `advanced`"


def test_unknown_module_in_path_and_track(broken):
    path = broken / "path.yaml"
    edit(path, "modules: [basics]}", "modules: [basics, ghost]}")
    (problem,) = problems(broken)
    assert problem.startswith(f"{path}:{line_of(path, 'ghost')}: tracks[1].modules[1]: ")


def test_invalid_yaml_names_the_line(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2\n", "hours: [2\n")
    (problem,) = problems(broken)
    assert problem.startswith(f"{module}:") and "invalid YAML" in problem


def test_every_problem_is_reported_not_only_the_first(broken):
    edit(broken / "basics" / "module.yaml", "hours: 2\n", "hours: 2\ncolour: red\n")
    edit(broken / "advanced" / "module.yaml", "hours: 1\n", "hours: 1\nsize: big\n")
    assert len(problems(broken)) == 2


def test_cli_exit_status_is_1_without_traceback(broken):
    import subprocess
    import sys

    edit(broken / "basics" / "module.yaml", "hours: 2\n", "hours: 2\ncolour: red\n")
    result = subprocess.run(
        [sys.executable, "-m", "dlpath", "curriculum", "validate", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith("colour: unknown key")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# -- mangled YAML: whatever the bytes, the loader answers with a clean CurriculumError ----------

ORIGINAL = (PACK / "curriculum" / "basics" / "module.yaml").read_text()
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _check_clean(folder: Path, text: str) -> None:
    (folder / "basics" / "module.yaml").write_text(text, encoding="utf-8")
    try:
        load_curriculum(folder)
    except CurriculumError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        assert all("\n" not in p for p in error.problems)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, len(ORIGINAL)), junk=st.text(max_size=12))
def test_mangled_text(broken, cut, junk):
    _check_clean(broken, ORIGINAL[:cut] + junk + ORIGINAL[cut:])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(
        ["id", "title", "hours", "prerequisites", "lessons", "quiz", "exercises", "summary"]
    ),
    value=yaml_values,
)
def test_mangled_values(broken, key, value):
    data = yaml.safe_load(ORIGINAL)
    data[key] = value
    _check_clean(broken, yaml.safe_dump(data, allow_unicode=True))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=yaml_values)
def test_any_document(broken, document):
    _check_clean(broken, yaml.safe_dump(document, allow_unicode=True))
