"""`dlpath new`: portfolio projects generated from the cookiecutter templates bundled with dlpath.

cookiecutter is imported only when a project is generated, never on import of this package.
"""

from __future__ import annotations

from dlpath.scaffold.catalog import TemplateInfo, TemplateVariable, list_templates
from dlpath.scaffold.errors import ScaffoldError
from dlpath.scaffold.generator import generate

__all__ = ["ScaffoldError", "TemplateInfo", "TemplateVariable", "generate", "list_templates"]
