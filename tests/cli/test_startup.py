"""`dlpath --help` stays fast: none of the heavy libraries is imported to print it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "torch",
    "sklearn",
    "textual",
    "cookiecutter",
    "numpy",
    "scipy",
    "onnx",
    "onnxruntime",
    "jsonschema",
)

PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["dlpath", *json.loads(sys.argv[1])]
from dlpath.cli import main
try:
    main()
except SystemExit:
    pass
print("\\nIMPORTED=" + json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "args", [["--help"], ["check", "--help"], ["new", "--help"], ["start", "--help"], ["--version"]]
)
def test_help_imports_no_heavy_library(args):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout.rsplit("IMPORTED=", 1)[1])
    assert imported == []


def test_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "dlpath", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "dlpath" in result.stdout
