"""Refuse answers that cannot make a working project, before any file is written."""

import keyword
import re
import sys

PACKAGE = "{{ cookiecutter.package_name }}"
SLUG = "{{ cookiecutter.project_slug }}"
# A package with one of these names would hide the real module of that name from the project.
TAKEN = {"torch", "numpy", "sklearn", "yaml", "matplotlib", "onnx", "onnxruntime", "tests"}

if not re.fullmatch(r"[a-z_][a-z0-9_]*", PACKAGE) or keyword.iskeyword(PACKAGE):
    sys.exit(
        f"error: package_name {PACKAGE!r} is not a Python package name "
        "(lowercase letters, digits and underscores, not starting with a digit)"
    )
if PACKAGE in TAKEN or PACKAGE in sys.stdlib_module_names:
    sys.exit(f"error: package_name {PACKAGE!r} would hide the module of the same name")
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", SLUG):
    sys.exit(f"error: project_slug {SLUG!r} is not a usable folder name")
