"""Generate a project from a bundled template with cookiecutter's Python API.

Everything that can be refused is refused before the first file is written: the template, the
answers, the names they lead to and the destination. The project is then written into a
hidden staging folder beside the destination and moved into place in one rename, so a failure
half-way leaves nothing behind and an interrupted run never leaves a half project under the
real name. cookiecutter reads no user config and writes its replay file into the staging
folder, removed afterwards: nothing lands in the user's home.

The cleanup also runs when the process is told to stop: while writing, SIGTERM and SIGHUP (a
closed terminal) raise SystemExit as Ctrl-C raises KeyboardInterrupt. Only SIGKILL or a power
cut can leave a staging folder behind; its name holds the process id, so the next generation
into the same destination removes it once that process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from dlpath.scaffold.answers import check_given, check_names
from dlpath.scaffold.catalog import TemplateInfo, find_template
from dlpath.scaffold.errors import ScaffoldError
from dlpath.stop_signals import on_stop_signals

STAGING_SUFFIX = ".partial"


def resolve_answers(info: TemplateInfo, answers: dict[str, str], no_input: bool) -> dict[str, str]:
    """Every variable's final value: given answers, prompted ones, then derived defaults.

    With ``no_input`` nothing is asked; otherwise cookiecutter's own prompts ask each question,
    offering the given answers as defaults.
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    try:
        context = generate_context(
            context_file=str(info.path / "cookiecutter.json"), extra_context=answers
        )
        rendered = prompt_for_config(context, no_input=no_input)
    except EOFError as exc:
        raise ScaffoldError(
            f"template {info.name}: no answer could be read (standard input is closed); "
            "use --no-input with --set key=value"
        ) from exc
    except CookiecutterException as exc:
        raise ScaffoldError(f"template {info.name}: {_first_line(exc)}") from exc
    return {name: str(rendered[name]) for name in info.variable_names}


def generate(
    template: str,
    dest: Path | None = None,
    answers: dict[str, str] | None = None,
    no_input: bool = False,
) -> Path:
    """Generate ``template`` into ``dest`` (default: a folder named after the project in the
    current directory) and return the project's path.

    ``answers`` presets variables by name (``project_name``, ``license``...). Unless
    ``no_input``, the remaining questions are asked on the terminal. Raises ScaffoldError, with
    nothing written, for an unknown template or answer, a name that cannot become a Python
    package, or an existing destination; a failure while writing removes what was written.
    """
    info = find_template(template)
    given = {key: str(value) for key, value in (answers or {}).items()}
    check_given(info, given)
    final = resolve_answers(info, given, no_input)
    check_given(info, final)  # prompted answers get the same checks as given ones
    check_names(final)
    target = Path(dest) if dest is not None else Path.cwd() / final["project_slug"]
    target = target.expanduser().absolute()
    if target.exists() or target.is_symlink():
        raise ScaffoldError(
            f"{target} already exists: nothing was written; choose another destination"
        )
    return _write_project(info, final, target)


def _write_project(info: TemplateInfo, answers: dict[str, str], target: Path) -> Path:
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    made_parents: list[Path] = []
    staging: Path | None = None
    try:
        with on_stop_signals(_exit_on_signal):
            _make_parents(target.parent, made_parents)
            _remove_stale_staging(target)
            staging = Path(
                tempfile.mkdtemp(
                    prefix=f"{_staging_prefix(target)}{os.getpid()}.",
                    suffix=STAGING_SUFFIX,
                    dir=target.parent,
                )
            )
            # A config given as a dict: no user config is read, and the replay file goes into
            # the staging folder, removed with it.
            private = {
                "replay_dir": str(staging / ".replay"),
                "cookiecutters_dir": str(staging / ".cookiecutters"),
            }
            written = cookiecutter(
                str(info.path),
                no_input=True,
                extra_context=answers,
                output_dir=str(staging),
                default_config=private,  # type: ignore[arg-type]  # a dict is accepted since 2.2
            )
            if target.exists():
                raise ScaffoldError(f"{target} appeared while generating: left untouched")
            Path(written).rename(target)
    except BaseException as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(made_parents):
            _remove_if_empty(folder)
        if isinstance(exc, (CookiecutterException, OSError)):
            raise ScaffoldError(
                f"could not generate {info.name} into {target}: {_first_line(exc)} "
                "(nothing was left behind)"
            ) from exc
        raise
    shutil.rmtree(staging)  # only cookiecutter's replay file is left in it
    return target


def _staging_prefix(target: Path) -> str:
    """Staging folders for ``target`` are named ``.<name>.<pid>.<random>.partial``."""
    return f".{target.name}."


def _exit_on_signal(signum: int) -> None:
    raise SystemExit(128 + signum)


def _remove_stale_staging(target: Path) -> None:
    """Remove staging folders for ``target`` whose process has ended without removing them
    (SIGKILL, a power cut). One whose process is still running is another generation's."""
    if os.name != "posix":  # no cheap, safe way to ask whether a process id is alive
        return
    prefix = _staging_prefix(target)
    with contextlib.suppress(OSError):
        for path in target.parent.iterdir():
            name = path.name
            if not (name.startswith(prefix) and name.endswith(STAGING_SUFFIX)):
                continue
            parts = name[len(prefix) : -len(STAGING_SUFFIX)].split(".")
            if len(parts) != 2 or not parts[0].isdigit() or _process_alive(int(parts[0])):
                continue  # another destination's (a name with dots), or still being written
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but belongs to someone else
    return True


def _make_parents(folder: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents, appending each one created to ``made``."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _remove_if_empty(folder: Path) -> None:
    # not empty: something else was put there meanwhile, so it is not ours to remove
    with contextlib.suppress(OSError):
        folder.rmdir()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
