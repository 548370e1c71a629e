"""The commands as a learner uses them, on the small fixture curriculum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests_support import cli_commands, write

pytestmark = pytest.mark.usefixtures("pack")


def test_list_shows_the_path_with_status(cli):
    result = cli("list")
    assert result.code == 0
    assert "Basics" in result.out and "Add two numbers" in result.out
    assert "needs basics" in result.out  # a missing prerequisite is flagged, not locked


def test_list_json(cli):
    data = json.loads(cli("list", "--json").out)
    assert [m["id"] for m in data["modules"]] == ["basics", "advanced"]
    assert data["modules"][0]["exercises"][0] == {
        "id": "add",
        "title": "Add two numbers",
        "status": "not started",
    }
    assert data["next_step"].startswith("create your workspace")


def test_list_unknown_track_is_one_line(cli):
    result = cli("list", "--track", "astronaut")
    assert result.code == 1
    assert result.err.strip() == "dlpath: error: no track `astronaut` (tracks: everything, short)"


def test_init_creates_stubs_and_never_overwrites(cli, tmp_path):
    root = tmp_path / "ws"
    assert cli("init", str(root)).code == 0
    learner = root / "exercises" / "basics" / "add.py"
    assert learner.read_text().startswith("def add")
    assert (root / ".dlpath-workspace").is_file()
    write(learner, "def add(a, b):\n    return a + b  # mine\n")
    (root / "exercises" / "advanced" / "multiply.py").unlink()
    result = cli("init", str(root))
    assert "1 stub(s) created" in result.out and "2 file(s) kept" in result.out
    assert "# mine" in learner.read_text()


def test_workspace_is_found_from_a_subfolder_and_the_environment(cli, tmp_path, monkeypatch):
    root, configured = tmp_path / "ws", tmp_path / "configured"
    cli("init", str(root))
    cli("init", str(configured))  # now the configured default
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(root / "exercises" / "basics")
    assert str(root / "exercises") in cli("reset", "add").out
    monkeypatch.chdir(other)
    assert str(configured / "exercises") in cli("reset", "add").out
    monkeypatch.setenv("DLPATH_WORKSPACE", str(other))
    result = cli("reset", "add")
    assert result.code == 1 and "not a dlpath workspace (from DLPATH_WORKSPACE)" in result.err


def test_reset_keeps_the_learners_version(cli, tmp_path):
    root = tmp_path / "ws"
    cli("init", str(root))
    learner = root / "exercises" / "basics" / "add.py"
    write(learner, "def add(a, b):\n    return 42\n")
    result = cli("--workspace", str(root), "reset", "add")
    assert result.code == 0
    saved = list(learner.parent.glob("add.py.*.bak"))
    assert len(saved) == 1 and saved[0].read_text() == "def add(a, b):\n    return 42\n"
    assert str(saved[0]) in result.out
    assert "NotImplementedError" in learner.read_text()


def test_reset_unknown_exercise(cli, tmp_path):
    cli("init", str(tmp_path / "ws"))
    result = cli("reset", "nope")
    assert result.code == 1 and result.err.startswith("dlpath: error: no exercise `nope`")
    assert "Traceback" not in result.err


def test_hint_reveals_one_more_each_time_and_stops(cli):
    assert "Hint 1 of 2: Use +." in cli("hint", "add").out
    second = cli("hint", "add").out
    assert "Hint 2 of 2: return a + b" in second
    assert "last hint" in cli("hint", "add").out


def test_curriculum_validate_stats(cli):
    data = json.loads(cli("curriculum", "validate", "--stats", "--json").out)
    assert data["valid"] and data["modules"] == 2 and data["exercises"] == 3
    assert data["lessons"] == 3 and data["quiz_questions"] == 4 and data["checks"] == 3
    assert data["lesson_words"] > 0


def test_curriculum_validate_broken_pack(cli, tmp_path):
    (tmp_path / "path.yaml").write_text("title: x\nmodules: [ghost]\ntracks: []\nextra: 1\n")
    result = cli("curriculum", "validate", str(tmp_path))
    assert result.code == 1
    assert f"{tmp_path / 'path.yaml'}:4: extra: unknown key" in result.err
    assert "Traceback" not in result.err


def test_doctor_json(cli, tmp_path):
    cli("init", str(tmp_path / "ws"))
    data = json.loads(cli("doctor", "--json").out)
    assert data["device"] in ("cpu", "cuda", "mps") and data["torch"]
    assert data["workspace"] == str((tmp_path / "ws").resolve())
    assert data["curriculum_status"].startswith("valid")


def test_doctor_reports_the_threads_checks_use_and_the_progress_database(
    cli, isolated_home, monkeypatch
):
    monkeypatch.setenv("DLPATH_THREADS", "3")
    data = json.loads(cli("doctor", "--json").out)
    assert data["threads"] == 3
    assert data["progress_db"] == str(isolated_home / "progress.db")
    text = cli("doctor").out
    assert f"Progress  {isolated_home / 'progress.db'}" in text
    if data["device"] == "cpu":
        assert "CPU, 3 threads per check" in text
    monkeypatch.delenv("DLPATH_THREADS")
    assert json.loads(cli("doctor", "--json").out)["threads"] == 1


def test_the_command_table_lists_every_command_and_nothing_else():
    """`dlpath --help` lists COMMANDS without importing the commands: the table must hold each
    command any dlpath.cli module defines, under the module that defines it."""
    import importlib
    import pkgutil

    from typer.main import get_command

    import dlpath.cli
    from dlpath.cli.app import COMMANDS

    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(dlpath.cli.__path__):
        if info.name.endswith("_cmd"):
            built = get_command(importlib.import_module(f"dlpath.cli.{info.name}").app)
            names = list(getattr(built, "commands", {})) or [built.name]
            defined.update({name: info.name for name in names})
    assert defined == {name: module for name, (module, _) in COMMANDS.items()}
    assert all(0 < len(line) <= 60 and line.endswith(".") for _, line in COMMANDS.values())


def test_every_command_has_help_with_examples(cli):
    paths = [list(path) for path in cli_commands()]
    assert [] in paths and ["curriculum"] in paths and ["curriculum", "validate"] in paths
    for command in paths:
        result = cli(*command, "--help")
        assert result.code == 0, command
        assert "Examples" in result.out, command
        assert f"dlpath {' '.join(command)}".strip() in result.out.split("Examples", 1)[1], command


def test_version(cli):
    from dlpath import __version__

    assert cli("--version").out.strip() == f"dlpath {__version__}"


def test_workspace_files_are_where_the_issue_says(cli, tmp_path):
    cli("init", str(tmp_path / "ws"))
    files = sorted(
        p.relative_to(tmp_path / "ws").as_posix() for p in Path(tmp_path / "ws").rglob("*.py")
    )
    assert files == [
        "exercises/advanced/multiply.py",
        "exercises/basics/add.py",
        "exercises/basics/fit_line.py",
    ]


def test_new_lists_templates_and_rejects_bad_input_in_one_line(cli, tmp_path):
    listing = cli("new", "--list").out
    for name in ("cv-project", "nlp-project", "tabular-project"):
        assert name in listing
    bad = cli("new", "tabular-project", str(tmp_path / "p"), "--no-input", "--set", "oops")
    assert bad.code == 1 and bad.err.strip() == (
        "dlpath: error: --set 'oops': expected key=value, e.g. --set project_name=Digits")
    unknown = cli("new", "vision-project", str(tmp_path / "p"), "--no-input")
    assert unknown.code == 1 and len(unknown.err.strip().splitlines()) == 1
    assert not (tmp_path / "p").exists()


def test_new_creates_a_project(cli, tmp_path):
    result = cli("new", "tabular-project", str(tmp_path / "churn"), "--no-input",
                 "--set", "project_name=Churn model")
    assert result.code == 0, result.err
    recorded = json.loads((tmp_path / "churn" / ".dlpath-template.json").read_text())
    assert "tabular" in json.dumps(recorded) and "Churn model" in json.dumps(recorded)
