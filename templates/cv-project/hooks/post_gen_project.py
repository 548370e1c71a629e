"""Finish the generated project: drop the LICENSE file when no license was chosen."""

from pathlib import Path

if "{{ cookiecutter.license }}" == "none":
    Path("LICENSE").unlink()
