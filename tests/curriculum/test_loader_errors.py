"""Every mistake an author can make is one line naming the file, the line and the field."""

from __future__ import annotations

import re
import shutil
import time
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
    for folder in ("stubs", "solutions"):  # the files are named after the exercise
        old_file = broken / "advanced" / folder / "multiply.py"
        old_file.rename(old_file.with_name("add.py"))
        edit(module, f"{folder}/multiply.py", f"{folder}/add.py")
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


def test_stub_must_be_named_after_the_exercise(broken):
    module = broken / "advanced" / "module.yaml"
    shutil.copy(broken / "advanced/stubs/multiply.py", broken / "advanced/stubs/mul.py")
    edit(module, "stub: stubs/multiply.py", "stub: stubs/mul.py")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'stubs/mul.py')}: exercises[0].stub: "
        "must be named multiply.py (the exercise id)"
    ]


def test_solution_must_be_in_the_solutions_folder(broken):
    module = broken / "advanced" / "module.yaml"
    (broken / "advanced" / "answers").mkdir()
    shutil.copy(broken / "advanced/solutions/multiply.py", broken / "advanced/answers/multiply.py")
    edit(module, "solution: solutions/multiply.py", "solution: answers/multiply.py")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'answers/')}: exercises[0].solution: "
        "must be solutions/multiply.py (the stub's file name)"
    ]


def test_stub_given_as_an_absolute_path(broken):
    module = broken / "advanced" / "module.yaml"
    absolute = broken / "advanced" / "stubs" / "multiply.py"
    edit(module, "stub: stubs/multiply.py", f"stub: {absolute}")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'stub: /')}: exercises[0].stub: "
        f"`{absolute}` must be relative to the module folder"
    ]


def test_stub_that_leads_out_of_the_module_folder(broken):
    module = broken / "advanced" / "module.yaml"
    shutil.copy(broken / "advanced/stubs/multiply.py", broken / "multiply.py")
    edit(module, "stub: stubs/multiply.py", "stub: stubs/../../multiply.py")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'stub: ')}: exercises[0].stub: "
        "`stubs/../../multiply.py` leads out of the module folder"
    ]


@pytest.mark.parametrize("kind", ["absolute", "dot-dot", "symlink"])
def test_lesson_outside_the_module_folder(broken, kind):
    module = broken / "basics" / "module.yaml"
    outside = broken.parent / "outside.md"
    outside.write_text("# Elsewhere\n")
    written = {"absolute": str(outside), "dot-dot": "../../outside.md"}.get(kind)
    if kind == "symlink":
        (broken / "basics" / "lessons" / "01-adding.md").unlink()
        (broken / "basics" / "lessons" / "01-adding.md").symlink_to(outside)
        written = "lessons/01-adding.md"
    else:
        edit(module, "file: lessons/01-adding.md", f"file: {written}")
    (problem,) = problems(broken)
    assert problem.startswith(f"{module}:{line_of(module, 'id: adding')}: lessons[0].file: ")
    assert problem.endswith(
        "must be relative to the module folder"
        if kind == "absolute"
        else "leads out of the module folder"
    )


def test_track_must_hold_the_prerequisites_of_its_modules(broken):
    path = broken / "path.yaml"
    edit(
        path,
        "  - {id: short,",
        "  - {id: products, title: Products, summary: Just multiplying., modules: [advanced]}\n"
        "  - {id: short,",
    )
    assert problems(broken) == [
        f"{path}:{line_of(path, 'id: products')}: tracks[1].modules: "
        "`advanced` needs `basics`, which this track leaves out"
    ]


# -- what used to crash: each is now one line with file, line and field -------------------------


def test_mixed_key_types(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2\n", "hours: 2\n1: x\nfoo: y\n")
    assert problems(broken) == [f"{module}:{line_of(module, '1: x')}: 1: keys must be text"]


@pytest.mark.parametrize("key", ["null", "~", "1", "-3", "1.5", "true", "no", "2020-01-01"])
def test_a_key_that_is_not_text_names_its_line(broken, key):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2\n", f"hours: 2\n{key}: x\n")
    assert problems(broken) == [f"{module}:5: {key}: keys must be text"]


def test_a_nested_key_that_is_not_text(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "{id: b, text:", "{id: b, 7: seven, text:")
    assert problems(broken) == [
        f"{module}:{line_of(module, '7: seven')}: quiz[0].options[1].7: keys must be text"
    ]


def test_a_quoted_number_is_a_text_key(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2\n", 'hours: 2\n"1": x\n')
    assert problems(broken) == [f"{module}:5: ['1']: unknown key"]


@pytest.mark.parametrize(
    ("old", "new", "field", "needle"),
    [
        ("prerequisites: []", "prerequisites: &a [*a]", "prerequisites[0]", "prerequisites"),
        ("prerequisites: []", "prerequisites: &a {x: *a}", "prerequisites.x", "prerequisites"),
        ("hours: 2\n", "hours: 2\nextra: &b [1, [2, *b]]\n", "extra[1][1]", "extra"),
        ("hours: 2\n", "hours: 2\nmerged: &m {<<: *m}\n", "merged", "merged"),
    ],
)
def test_an_alias_inside_its_own_anchor(broken, old, new, field, needle):
    module = broken / "basics" / "module.yaml"
    edit(module, old, new)
    assert problems(broken) == [
        f"{module}:{line_of(module, needle)}: {field}: recursive alias (it refers to itself)"
    ]


def test_a_document_that_is_its_own_alias(broken):
    module = broken / "basics" / "module.yaml"
    module.write_text("&a {x: *a}")
    assert problems(broken) == [f"{module}:1: x: recursive alias (it refers to itself)"]


def test_billion_laughs_is_refused_quickly(broken):
    module = broken / "basics" / "module.yaml"
    laughs = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    edit(module, "hours: 2\n", "hours: 2\n" + laughs)
    started = time.perf_counter()
    (problem,) = problems(broken)
    assert time.perf_counter() - started < 5
    assert problem.startswith(f"{module}:")
    assert "aliases expand this to over" in problem


def test_aliases_that_repeat_a_little_are_fine(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hints: [Use +., \"return a + b\"]", "hints: &h [Use +., \"return a + b\"]")
    edit(module, "hints: [A linear layer.]", "hints: *h")
    curriculum = load_curriculum(broken)
    assert curriculum.module("basics").exercises[1].hints == ("Use +.", "return a + b")


def test_nesting_too_deep(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "prerequisites: []", "prerequisites: " + "[" * 900 + "]" * 900)
    assert problems(broken) == [
        f"{module}:{line_of(module, 'prerequisites')}: prerequisites[0]: "
        "nested more than 50 levels deep"
    ]


def test_a_lesson_that_is_not_utf8(broken):
    module = broken / "basics" / "module.yaml"
    lesson = broken / "basics" / "lessons" / "01-adding.md"
    lesson.write_bytes(b"# Adding\n\nCaf\xe9 au lait.\n")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'id: adding')}: lessons[0].file: "
        f"not UTF-8 text: {lesson} (line 3)"
    ]


def test_a_module_file_that_is_not_utf8(broken):
    module = broken / "basics" / "module.yaml"
    module.write_bytes(module.read_bytes().replace(b"Basics", b"B\xffsics", 1))
    assert problems(broken) == [f"{module}:2: not UTF-8 text"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_module_file(broken, text):
    module = broken / "basics" / "module.yaml"
    module.write_text(text)
    assert problems(broken) == [f"{module}:1: file is empty"]


def test_an_empty_path_file(broken):
    (broken / "path.yaml").write_text("")
    assert problems(broken) == [f"{broken / 'path.yaml'}:1: file is empty"]


def test_a_control_character_names_its_line(broken):
    module = broken / "basics" / "module.yaml"
    edit(module, "hours: 2", "hours: 2\x07")
    assert problems(broken) == [
        f"{module}:{line_of(module, 'hours')}: invalid YAML: control characters are not allowed"
        " (#x0007)"
    ]


CRASHES = {
    "mixed keys": ("basics/module.yaml", "hours: 2\n", "hours: 2\n1: x\nfoo: y\n"),
    "null key": ("basics/module.yaml", "hours: 2\n", "hours: 2\nnull: x\n"),
    "recursive list": ("basics/module.yaml", "prerequisites: []", "prerequisites: &a [*a]"),
    "recursive map": ("basics/module.yaml", "prerequisites: []", "prerequisites: &a {x: *a}"),
    "lesson bytes": ("basics/lessons/01-adding.md", "", b"\xff\xfe"),
    "empty module": ("basics/module.yaml", None, ""),
}


@pytest.mark.parametrize("case", sorted(CRASHES))
def test_cli_prints_each_former_crash_as_lines_with_file_and_line(broken, case, cli):
    name, old, new = CRASHES[case]
    target = broken / name
    if isinstance(new, bytes):
        target.write_bytes(new)
    elif old is None:
        target.write_text(new)
    else:
        edit(target, old, new)
    result = cli("curriculum", "validate", str(broken), "--stats")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.strip()
    for line in result.err.strip().splitlines():
        assert re.match(rf"dlpath: error: {re.escape(str(broken))}/\S+:\d+: \S", line), line


# -- mangled YAML: whatever the bytes, the loader answers with a clean CurriculumError ----------

ORIGINAL = (PACK / "curriculum" / "basics" / "module.yaml").read_text()
keys = st.text(max_size=8) | st.integers() | st.none() | st.booleans()
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
# Where a value starts in the original text: after "key: " or "- ".
VALUE_STARTS = sorted({m.end() for m in re.finditer(r": |- ", ORIGINAL)})
PROBLEM = re.compile(r"^\S.*?:\d+: \S")


def _check_clean(folder: Path, content: str | bytes) -> list[str]:
    """Load with ``content`` as basics/module.yaml: it loads, or every problem is one line that
    names the file and the line. Returns the problems."""
    module = folder / "basics" / "module.yaml"
    if isinstance(content, bytes):
        module.write_bytes(content)
    else:
        module.write_text(content, encoding="utf-8")
    try:
        load_curriculum(folder)
    except CurriculumError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        assert all("\n" not in p for p in error.problems)
        assert all(PROBLEM.match(p) for p in error.problems), error.problems
        return error.problems
    return []


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # keys of mixed types


FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(cut=st.integers(0, len(ORIGINAL)), junk=st.text(max_size=12))
def test_mangled_text(broken, cut, junk):
    _check_clean(broken, ORIGINAL[:cut] + junk + ORIGINAL[cut:])


@FAST
@given(
    cut=st.integers(0, len(ORIGINAL.encode())),
    junk=st.binary(min_size=1, max_size=6)
    | st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xf0\x28\x8c", b"\x80"]),
)
def test_mangled_bytes(broken, cut, junk):
    raw = ORIGINAL.encode()
    _check_clean(broken, raw[:cut] + junk + raw[cut:])


@FAST
@given(
    key=st.sampled_from(
        ["id", "title", "hours", "prerequisites", "lessons", "quiz", "exercises", "summary"]
    ),
    value=yaml_values,
)
def test_mangled_values(broken, key, value):
    data = yaml.safe_load(ORIGINAL)
    data[key] = value
    _check_clean(broken, _dump(data))


@FAST
@given(key=keys, value=yaml_values, inside=st.sampled_from(["", "exercises", "quiz", "lessons"]))
def test_extra_keys_of_any_type(broken, key, value, inside):
    data = yaml.safe_load(ORIGINAL)
    target = data[inside][0] if inside else data
    target[key] = value
    found = _check_clean(broken, _dump(data))
    if not isinstance(key, str):
        assert any(p.endswith(": keys must be text") for p in found), found


@FAST
@given(
    anchor_at=st.sampled_from(VALUE_STARTS),
    alias_at=st.none() | st.sampled_from(VALUE_STARTS),  # None: inside the anchored value
    alias=st.sampled_from(["*a", "[*a]", "{x: *a}", "[1, *a]", "*b", "{<<: *a}"]),
    replace=st.booleans(),
)
def test_anchors_and_aliases_anywhere(broken, anchor_at, alias_at, alias, replace):
    """``&a`` before one value and an alias at another, or in the anchored value itself."""
    text = ORIGINAL
    if alias_at is None:
        alias_at, replace = anchor_at, True
    # The alias first, so that where both go to one place the anchor ends up in front of it.
    for at, insert, replacing in sorted(
        [(alias_at, alias, replace), (anchor_at, "&a ", False)], key=lambda e: -e[0]
    ):
        end = text.find("\n", at) if replacing else at
        text = text[:at] + insert + ("" if replacing else " ") + text[end:]
    _check_clean(broken, text)


@FAST
@given(document=yaml_values)
def test_any_document(broken, document):
    _check_clean(broken, _dump(document))
