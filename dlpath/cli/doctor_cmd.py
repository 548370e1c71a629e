"""`dlpath doctor`: versions, the device checks will use, where things live, curriculum health."""

from __future__ import annotations

import os
import platform
import sys
from typing import Annotated, Any

import typer

from dlpath import __version__
from dlpath.cli import context
from dlpath.cli.app import command_app

app = command_app()


def check_threads() -> int | str:
    """The CPU threads a check trains on: what the check runner gives its child process."""
    from dlpath.engine.runner import check_threads as runner_threads

    threads = runner_threads()
    return int(threads) if threads.isdigit() else threads


def device_report(preference: str) -> dict[str, Any]:
    """What torch sees, and the device dlpath picks (CUDA, then MPS, then CPU for ``auto``)."""
    try:
        import torch
    except ImportError as exc:
        return {
            "torch": None,
            "error": f"torch is not installed ({exc}); run `pip install torch`",
            "device": None,
        }
    info: dict[str, Any] = {
        "torch": torch.__version__,
        "threads": check_threads(),
        "cuda": torch.cuda.is_available(),
        "mps": False,
    }
    mps = getattr(torch.backends, "mps", None)
    info["mps"] = bool(mps is not None and mps.is_available())
    if info["cuda"]:
        props = torch.cuda.get_device_properties(0)
        info["cuda_name"] = props.name
        info["cuda_memory_gib"] = round(props.total_memory / 1024**3, 1)
    available = {"cpu": True, "cuda": info["cuda"], "mps": info["mps"]}
    if preference == "auto":
        info["device"] = "cuda" if info["cuda"] else "mps" if info["mps"] else "cpu"
    else:
        info["device"] = preference if available.get(preference) else None
        if info["device"] is None:
            info["error"] = f"the saved device `{preference}` is not available here"
    return info


@app.command()
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Check the installation: versions, the device checks run on, paths, the curriculum.

    Examples:

    \b
    dlpath doctor
    dlpath doctor --json
    """
    import json

    from dlpath.errors import CurriculumError
    from dlpath.paths import curriculum_dir, dlpath_home, progress_db_path

    with context.store() as store:
        preference = store.setting("device", "auto") or "auto"
        workspace = context.find_workspace(store)
    try:
        curriculum = context.curriculum()
        curriculum_status = (
            f"valid ({len(curriculum.modules)} modules, {len(curriculum.exercises())} exercises)"
        )
        problems: list[str] = []
    except CurriculumError as error:
        curriculum_status, problems = "invalid", error.problems
    report = {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "dlpath": __version__,
        "device_preference": preference,
        **device_report(preference),
        "cpu_count": os.cpu_count(),
        "data_folder": str(dlpath_home()),
        "progress_db": str(progress_db_path()),
        "workspace": str(workspace.root) if workspace else None,
        "curriculum": str(curriculum_dir()),
        "curriculum_status": curriculum_status,
        "curriculum_problems": problems,
    }
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    if problems or report.get("error"):
        raise typer.Exit(1)


def _print(report: dict[str, Any]) -> None:
    out = context.console()
    device = report.get("device")
    if device == "cuda":
        device_text = f"CUDA: {report['cuda_name']} ({report['cuda_memory_gib']} GiB)"
    elif device == "mps":
        device_text = "Apple MPS"
    elif device == "cpu":
        threads = report["threads"]
        device_text = f"CPU, {threads} thread{'' if threads == 1 else 's'} per check"
    else:
        device_text = "[red]none[/]"
    rows = [
        ("Python", f"{report['python']} ({report['python_executable']})"),
        ("dlpath", report["dlpath"]),
        ("torch", report.get("torch") or "[red]missing[/]"),
        ("Device", f"{device_text} [dim](preference: {report['device_preference']})[/]"),
        ("Data folder", report["data_folder"]),
        ("Progress", report["progress_db"]),
        ("Workspace", report["workspace"] or "[yellow]none yet: run `dlpath init`[/]"),
        ("Curriculum", f"{report['curriculum']}: {report['curriculum_status']}"),
    ]
    for name, value in rows:
        out.print(f"[bold]{name:>12}[/]  {value}")
    for problem in report["curriculum_problems"]:
        out.print(f"[red]{problem}[/]", highlight=False)
    if report.get("error"):
        out.print(f"[red]{report['error']}[/]")
