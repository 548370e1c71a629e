"""The README stays true: two commands for a new user, and the command table matches the CLI."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_command_table_matches_the_cli():
    from typer.main import get_command

    from dlpath.cli import app

    group = get_command(app)
    registered = set()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        registered |= {f"{name} {sub}" for sub in subcommands} if subcommands else {name}
    documented = set(re.findall(r"^\| `dlpath ([a-z]+(?: [a-z]+)?)", section("Commands"), re.M))
    documented = {d if d.split()[0] in {"curriculum"} else d.split()[0] for d in documented}
    assert documented == registered
