"""The README stays true: two commands for a new user, and the command table matches the CLI."""

from __future__ import annotations

import re
from pathlib import Path

from tests_support import cli_commands

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_exactly_two_commands_for_a_new_user():
    commands = [line.strip() for line in section("Two commands").splitlines()
                if line.startswith("    ")]
    assert commands == ["make start", "make test"]
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^start: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)


def test_ci_runs_the_readme_test_command():
    lines = [line for line in (REPO / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[-1].strip() == "make test"


def _command_rows() -> dict[str, str]:
    """The README's command table: ``{"init": " [DIR]` | create your workspace ...", ...}``."""
    rows = {}
    for line in section("Commands").splitlines():
        found = re.match(r"^\| `dlpath ([a-z]+(?: [a-z]+)*)(.*)$", line)
        if found:
            rows[found[1]] = found[2]
    return rows


def _commands() -> dict[str, object]:
    """Every leaf command of the real CLI, by its name after ``dlpath``."""
    return {
        " ".join(path): command
        for path, command in cli_commands().items()
        if not hasattr(command, "list_commands")
    }


def test_command_table_matches_the_cli():
    """The rows are the real commands; each row's UPPER-CASE arguments and backticked
    ``--options`` are real parameters of its command (``A|B`` names one argument that takes
    either, so that argument's help must mention both)."""
    commands = _commands()
    rows = _command_rows()
    assert set(rows) == set(commands)
    for name, row in rows.items():
        params = commands[name].params  # type: ignore[attr-defined]
        arguments = [p for p in params if p.param_type_name == "argument"]
        options = {
            opt
            for p in params
            if p.param_type_name == "option"
            for opt in (*p.opts, *p.secondary_opts)
        }
        usage, description = row.split("`", 1)  # the first cell's rest, and the row's rest
        for written in re.findall(r"[A-Z][A-Z_]*(?:\\?\|[A-Z][A-Z_]*)*", usage):
            choices = written.replace("\\", "").lower().split("|")
            assert any(
                "|".join(choices) in {argument.name, (argument.metavar or "").lower()}
                or (len(choices) > 1 and all(c in (argument.help or "").lower() for c in choices))
                for argument in arguments
            ), f"`dlpath {name}`: README argument {written} is not one of its arguments"
        for span in re.findall(r"`([^`]*)`", description):
            for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", span):
                assert option in options, f"`dlpath {name}`: README option {option} does not exist"
