"""Refuse answers that cannot make a working project, before any file is written."""

import keyword
import re
import sys

PACKAGE = "{{ cookiecutter.package_name }}"
SLUG = "{{ cookiecutter.project_slug }}"
# A package with one of these names would hide a module the project imports: its dependencies,
# theirs, its test and build tools, the usual next installs, and its own tests folder. The same
# list as TAKEN_NAMES in dlpath/scaffold/answers.py (dlpath also refuses any installed module).
TAKEN = {
    "torch", "torchgen", "functorch", "triton", "nvidia", "numpy", "sklearn", "scipy",
    "joblib", "threadpoolctl", "yaml", "_yaml", "matplotlib", "mpl_toolkits", "pylab",
    "pil", "contourpy", "cycler", "fonttools", "kiwisolver", "pyparsing", "dateutil",
    "six", "packaging", "onnx", "onnxruntime", "onnxscript", "google", "ml_dtypes",
    "flatbuffers", "coloredlogs", "humanfriendly", "sympy", "mpmath", "networkx",
    "jinja2", "markupsafe", "filelock", "fsspec", "typing_extensions",
    "pytest", "_pytest", "pluggy", "iniconfig", "py", "pygments", "exceptiongroup",
    "tomli", "ruff", "setuptools", "pkg_resources", "_distutils_hack", "pip", "wheel",
    "pandas", "polars", "pyarrow", "seaborn", "torchvision", "torchaudio", "torchtext",
    "transformers", "tokenizers", "datasets", "tqdm", "requests",
    "tests",
}

if not re.fullmatch(r"[a-z_][a-z0-9_]*", PACKAGE) or keyword.iskeyword(PACKAGE):
    sys.exit(
        f"error: package_name {PACKAGE!r} is not a Python package name "
        "(lowercase letters, digits and underscores, not starting with a digit)"
    )
if PACKAGE in TAKEN or PACKAGE in sys.stdlib_module_names:
    sys.exit(f"error: package_name {PACKAGE!r} would hide the module of the same name")
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", SLUG):
    sys.exit(f"error: project_slug {SLUG!r} is not a usable folder name")
