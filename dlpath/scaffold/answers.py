"""Checks on a template's answers, made before anything is written."""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import Path

from dlpath.scaffold.catalog import TemplateInfo
from dlpath.scaffold.errors import ScaffoldError

PACKAGE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
JINJA_MARKUP = ("{{", "{%", "{#")
RECORD_FILE = ".dlpath-template.json"  # every generated project records its template here
# A generated package with one of these names would hide a module the project imports: its
# dependencies, theirs, its test and build tools, and the usual next installs. The templates'
# hooks/pre_gen_project.py carry the same list, for the stock cookiecutter command. Lowercase:
# on macOS and Windows a package "pil" hides Pillow's "PIL".
TAKEN_NAMES = frozenset(
    {
        # the project's dependencies (pyproject.toml) and what they import
        "torch", "torchgen", "functorch", "triton", "nvidia", "numpy", "sklearn", "scipy",
        "joblib", "threadpoolctl", "yaml", "_yaml", "matplotlib", "mpl_toolkits", "pylab",
        "pil", "contourpy", "cycler", "fonttools", "kiwisolver", "pyparsing", "dateutil",
        "six", "packaging", "onnx", "onnxruntime", "onnxscript", "google", "ml_dtypes",
        "flatbuffers", "coloredlogs", "humanfriendly", "sympy", "mpmath", "networkx",
        "jinja2", "markupsafe", "filelock", "fsspec", "typing_extensions",
        # test, lint and build tools
        "pytest", "_pytest", "pluggy", "iniconfig", "py", "pygments", "exceptiongroup",
        "tomli", "ruff", "setuptools", "pkg_resources", "_distutils_hack", "pip", "wheel",
        # what a project like this installs next
        "pandas", "polars", "pyarrow", "seaborn", "torchvision", "torchaudio", "torchtext",
        "transformers", "tokenizers", "datasets", "tqdm", "requests",
        # the project's own folder of tests
        "tests",
    }
)  # fmt: skip


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
    installed = installed_module(package)
    if installed is not None:
        raise ScaffoldError(
            f"package_name {package!r}{origin} would hide the installed module {installed!r}: "
            "choose another project name (or set package_name)"
        )


def installed_module(package: str) -> str | None:
    """The importable top-level module that a package called ``package`` would hide, or None.

    Names are compared without case, as the file systems of macOS and Windows compare them.
    A namespace package (a bare folder on the path) hides nothing: any real package wins. Nor
    does a project `dlpath new` made (installed with `make install`): rendering its template
    again, as the portfolio check does, must work, and it is no dependency of a new project.
    """
    import importlib.util
    import pkgutil

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):  # a broken install: still a name that is taken
        return package
    if spec is not None and spec.origin is not None:  # a namespace package has none
        if not spec.has_location:  # built-in or frozen: part of the interpreter
            return package
        if not _made_by_dlpath(Path(spec.origin)):
            return package
    lowered = package.lower()  # built-in names are all lower case: find_spec found them above
    for module in pkgutil.iter_modules():
        if module.name.lower() == lowered:
            folder = getattr(module.module_finder, "path", None)
            if folder is None or not _made_by_dlpath(Path(folder) / module.name):
                return module.name
    return None


def _made_by_dlpath(location: Path) -> bool:
    """Whether a module's file or folder is the package of a project `dlpath new` made
    (``<project>/src/<package>/``, beside the project's record of its template)."""
    return any((folder / RECORD_FILE).is_file() for folder in list(location.parents)[:3])
