"""`dlpath init` finds its folder as every other command does, and a file in the way is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("pack")


def made_at(result) -> Path:
    """The workspace `dlpath init` reports."""
    assert result.code == 0, result.err
    line = next(line for line in result.out.splitlines() if line.startswith("Workspace: "))
    return Path(line.removeprefix("Workspace: "))


def test_init_without_a_folder_uses_dlpath_workspace(cli, tmp_path, monkeypatch):
    cli("init", str(tmp_path / "configured"))
    monkeypatch.setenv("DLPATH_WORKSPACE", str(tmp_path / "from-env"))
    assert made_at(cli("init")) == (tmp_path / "from-env").resolve()
    assert (tmp_path / "from-env" / "exercises" / "basics" / "add.py").is_file()


def test_init_without_a_folder_completes_the_workspace_around_the_current_folder(
    cli, tmp_path, monkeypatch
):
    here, configured = tmp_path / "here", tmp_path / "configured"
    cli("init", str(here))
    cli("init", str(configured))  # now the configured one
    (here / "exercises" / "advanced" / "multiply.py").unlink()
    monkeypatch.chdir(here / "exercises" / "basics")
    result = cli("init")
    assert made_at(result) == here.resolve() and "1 stub(s) created" in result.out
    assert (here / "exercises" / "advanced" / "multiply.py").is_file()


def test_init_order_is_option_then_environment_then_current_folder_then_configured(
    cli, tmp_path, monkeypatch
):
    here, configured = tmp_path / "here", tmp_path / "configured"
    cli("init", str(here))
    cli("init", str(configured))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert made_at(cli("init")) == configured.resolve()
    monkeypatch.chdir(here)
    assert made_at(cli("init")) == here.resolve()
    monkeypatch.setenv("DLPATH_WORKSPACE", str(tmp_path / "env"))
    assert made_at(cli("init")) == (tmp_path / "env").resolve()
    chosen = cli("--workspace", str(tmp_path / "opt"), "init")
    assert made_at(chosen) == (tmp_path / "opt").resolve()


def one_line_error(result) -> str:
    assert result.code == 1
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    return result.err.strip()


def test_a_file_named_exercises_is_one_line(cli, tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "exercises").write_text("not a folder")
    error = one_line_error(cli("init", str(root)))
    expected = f"{root / 'exercises'}: is a file, but dlpath needs a folder there"
    assert error == f"dlpath: error: {expected}"
    assert (root / "exercises").read_text() == "not a folder"


def test_a_folder_where_a_stub_goes_is_one_line(cli, tmp_path):
    root = tmp_path / "ws"
    (root / "exercises" / "basics" / "add.py").mkdir(parents=True)
    error = one_line_error(cli("init", str(root)))
    stub = root / "exercises" / "basics" / "add.py"
    assert error == f"dlpath: error: {stub}: is a folder, but dlpath needs a file there"
    assert not list(stub.parent.glob(".*.tmp"))


def test_reset_onto_a_folder_is_one_line(cli, tmp_path):
    root = tmp_path / "ws"
    cli("init", str(root))
    stub = root / "exercises" / "basics" / "add.py"
    stub.unlink()
    stub.mkdir()
    error = one_line_error(cli("--workspace", str(root), "reset", "add"))
    assert error == f"dlpath: error: {stub}: is a folder, but dlpath needs a file there"
