"""Checks on a template's answers, made before anything is written."""

from __future__ import annotations

import keyword
import re
import sys

from dlpath.scaffold.catalog import TemplateInfo
from dlpath.scaffold.errors import ScaffoldError

PACKAGE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
JINJA_MARKUP = ("{{", "{%", "{#")
# A generated package with one of these names would hide the real module from the project.
TAKEN_NAMES = frozenset(
    {"torch", "numpy", "sklearn", "yaml", "matplotlib", "onnx", "onnxruntime", "tests"}
)


def check_given(info: TemplateInfo, answers: dict[str, str]) -> None:
    """Every given answer names a variable of the template and, for a choice, a valid choice."""
    known = info.variable_names
    for key, value in answers.items():
        if key not in known:
            raise ScaffoldError(
                f"unknown answer {key!r} for template {info.name}: "
                f"the answers are {', '.join(known)}"
            )
        variable = info.variable(key)
        if variable.choices and str(value) not in variable.choices:
            raise ScaffoldError(
                f"{key} {value!r} is not offered by template {info.name}: "
                f"choose one of {', '.join(variable.choices)}"
            )
        if any(mark in str(value) for mark in JINJA_MARKUP):
            raise ScaffoldError(f"{key} {value!r}: answers may not contain {{{{, {{% or {{#")


def check_names(answers: dict[str, str]) -> None:
    """The folder and package names the answers lead to can hold a working project."""
    origin = f" (made from project_name {answers.get('project_name', '')!r})"
    slug = answers["project_slug"]
    if not FOLDER_NAME.fullmatch(slug):
        raise ScaffoldError(
            f"project_slug {slug!r}{origin} is not a usable folder name: "
            "use letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    package = answers["package_name"]
    if not PACKAGE_NAME.fullmatch(package) or keyword.iskeyword(package):
        raise ScaffoldError(
            f"package_name {package!r}{origin} cannot be a Python package: use lowercase "
            "letters, digits and underscores, starting with a letter (or set package_name)"
        )
    if package in TAKEN_NAMES or package in sys.stdlib_module_names:
        raise ScaffoldError(
            f"package_name {package!r}{origin} would hide the module of the same name: "
            "choose another project name (or set package_name)"
        )
