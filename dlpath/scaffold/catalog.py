"""The bundled project templates, read from their cookiecutter.json without importing cookiecutter.

Each template folder under ``templates_dir()`` is a complete cookiecutter template. Besides the
variables it prompts for, its cookiecutter.json carries private keys that cookiecutter never
prompts for: ``_dlpath_template`` (its name), ``_dlpath_version`` and ``_dlpath_description``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dlpath.paths import templates_dir
from dlpath.scaffold.errors import ScaffoldError

CONTEXT_FILE = "cookiecutter.json"


@dataclass(frozen=True)
class TemplateVariable:
    """One answer a template asks for."""

    name: str
    default: str  # for a choice, the first choice; for a derived value, its Jinja expression
    choices: tuple[str, ...] = ()
    prompt: str = ""
    derived: bool = False  # computed from earlier answers unless given

    def describe_default(self) -> str:
        """The default as a person reads it."""
        return "derived from the answers above" if self.derived else self.default


@dataclass(frozen=True)
class TemplateInfo:
    """A bundled template: what it makes and what it asks."""

    name: str
    description: str
    version: str
    path: Path
    variables: tuple[TemplateVariable, ...]

    @property
    def variable_names(self) -> tuple[str, ...]:
        """The answers' names, in the order they are asked."""
        return tuple(v.name for v in self.variables)

    def variable(self, name: str) -> TemplateVariable:
        """The variable called ``name`` (which must exist)."""
        return next(v for v in self.variables if v.name == name)


def read_template(folder: Path) -> TemplateInfo:
    """The template in ``folder``, described from its cookiecutter.json."""
    context_file = folder / CONTEXT_FILE
    try:
        context = json.loads(context_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScaffoldError(f"template {folder.name}: cannot read {context_file}: {exc}") from exc
    prompts = context.get("__prompts__", {})
    variables = []
    for key, raw in context.items():
        if key.startswith("_"):
            continue
        if isinstance(raw, list):
            choices = tuple(str(choice) for choice in raw)
            variables.append(TemplateVariable(key, choices[0], choices, prompts.get(key, key)))
        else:
            text = str(raw)
            derived = "{{" in text or "{%" in text
            variables.append(TemplateVariable(key, text, (), prompts.get(key, key), derived))
    return TemplateInfo(
        name=str(context.get("_dlpath_template", folder.name)),
        description=str(context.get("_dlpath_description", "")),
        version=str(context.get("_dlpath_version", "0")),
        path=folder,
        variables=tuple(variables),
    )


def list_templates(root: Path | None = None) -> list[TemplateInfo]:
    """Every template bundled in ``root`` (by default ``templates_dir()``), sorted by name."""
    root = templates_dir() if root is None else root
    if not root.is_dir():
        return []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    return [read_template(p) for p in folders if (p / CONTEXT_FILE).is_file()]


def find_template(name: str, root: Path | None = None) -> TemplateInfo:
    """The template called ``name``, or a ScaffoldError naming the ones there are."""
    folder = (templates_dir() if root is None else root) / name
    if not name.startswith((".", "_")) and "/" not in name and (folder / CONTEXT_FILE).is_file():
        info = read_template(folder)
        if info.name == name:
            return info
    templates = list_templates(root)
    for info in templates:
        if info.name == name:
            return info
    known = ", ".join(t.name for t in templates) or "none are installed"
    raise ScaffoldError(f"unknown template {name!r}: choose one of {known}")
