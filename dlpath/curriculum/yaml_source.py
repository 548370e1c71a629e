"""Read a YAML file safely and remember the line of every value, so errors can say where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dlpath.errors import CurriculumError

JsonPath = tuple[str | int, ...]
_PLAIN_KEY = re.compile(r"^[A-Za-z_][\w-]*$")

# libyaml's parser when it is there (about ten times faster); the safe constructor either way.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlSource:
    """A parsed YAML document with a map from each value's path to its 1-based line."""

    path: Path
    data: Any
    lines: dict[JsonPath, int]

    def line_of(self, where: JsonPath) -> int:
        """The line of ``where`` or of its nearest parent that has one."""
        for cut in range(len(where), -1, -1):
            line = self.lines.get(tuple(where[:cut]))
            if line is not None:
                return line
        return 1

    def problem(self, where: JsonPath, message: str, *, label: str | None = None) -> str:
        """One line: ``file:line: field: message``."""
        name = label if label is not None else field_label(where)
        message = " ".join(message.split())  # one line, whatever a value held
        prefix = f"{self.path}:{self.line_of(where)}"
        return f"{prefix}: {name}: {message}" if name else f"{prefix}: {message}"


def field_label(where: JsonPath) -> str:
    """``("exercises", 0, "hints")`` -> ``exercises[0].hints``."""
    text = ""
    for part in where:
        if isinstance(part, int) or not _PLAIN_KEY.match(str(part)):
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read_yaml(path: Path) -> YamlSource:
    """Parse ``path`` with ``yaml.safe_load``; any problem becomes a one-line CurriculumError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurriculumError([f"{path}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CurriculumError([f"{path}: cannot read: {exc}"]) from None
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()  # one parse gives both the data and every line
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(" ".join(str(p).split()) for p in (exc.context, exc.problem) if p)
        raise CurriculumError([f"{path}:{line}: invalid YAML: {what}"]) from None
    except yaml.YAMLError as exc:
        raise CurriculumError([f"{path}: invalid YAML: {' '.join(str(exc).split())}"]) from None
    except RecursionError:
        raise CurriculumError([f"{path}: invalid YAML: nested too deeply"]) from None
    finally:
        loader.dispose()
    lines: dict[JsonPath, int] = {}
    duplicates: list[str] = []
    if node is not None:
        _collect_lines(node, (), lines, duplicates, path)
    if duplicates:
        raise CurriculumError(duplicates)
    return YamlSource(path=path, data=data, lines=lines)


def _collect_lines(
    node: yaml.Node, where: JsonPath, lines: dict[JsonPath, int], dups: list[str], path: Path
) -> None:
    lines.setdefault(where, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":
                continue
            if key in seen and isinstance(key_node, yaml.ScalarNode):
                label = field_label((*where, key))
                dups.append(f"{path}:{key_node.start_mark.line + 1}: {label}: duplicate key")
            seen.add(key)
            lines[where + (key,)] = key_node.start_mark.line + 1
            _collect_lines(value_node, (*where, key), lines, dups, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*where, index), lines, dups, path)
