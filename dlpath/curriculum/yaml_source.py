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
    """Parse ``path`` with the safe loader; any problem becomes a one-line CurriculumError.

    Besides invalid YAML it rejects what the safe loader accepts but a curriculum cannot hold:
    an empty file, bytes that are not UTF-8, keys that are not text, duplicate keys, an alias
    inside its own anchor, and aliases that expand to more than ``MAX_VALUES`` values.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CurriculumError([f"{path}: file not found"]) from None
    except OSError as exc:
        raise CurriculumError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CurriculumError([f"{path}:{line_at(raw, exc.start)}: not UTF-8 text"]) from None
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()  # one parse gives both the data and every line
        if node is None:
            raise CurriculumError([f"{path}:1: file is empty"])
        problems = _walk(node, path)  # before constructing: a recursive alias never gets there
        if problems:
            raise CurriculumError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(" ".join(str(p).split()) for p in (exc.context, exc.problem) if p)
        raise CurriculumError([f"{path}:{line}: invalid YAML: {what}"]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control
        found = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line = text.count("\n", 0, found) + 1 if found >= 0 else 1
        what = f"{exc.reason} (#x{exc.character:04x})" if found >= 0 else exc.reason
        raise CurriculumError([f"{path}:{line}: invalid YAML: {what}"]) from None
    except yaml.YAMLError as exc:
        raise CurriculumError([f"{path}: invalid YAML: {' '.join(str(exc).split())}"]) from None
    except RecursionError:
        raise CurriculumError([f"{path}: invalid YAML: nested too deeply"]) from None
    finally:
        loader.dispose()
    return YamlSource(path=path, data=data, lines=_lines(node))


# More values than any real module holds (the largest has a few thousand); beyond this, aliases
# are multiplying a document ("billion laughs") and validating it would take forever.
MAX_VALUES = 200_000
MAX_DEPTH = 50  # a module nests five levels deep; validating far deeper ones would recurse

_TEXT_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def line_at(raw: bytes, offset: int) -> int:
    """The 1-based line of byte ``offset`` in ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _walk(root: yaml.Node, path: Path) -> list[str]:
    """Problems in the node graph: keys that are not text, duplicate keys, recursive aliases,
    aliases that expand too far, values nested too deeply. Iterative, and each node is walked
    once however often aliases repeat it, so no file can exhaust the stack or the clock."""
    problems: list[str] = []
    size: dict[int, int] = {}  # node id -> values it expands to; set when the node is done
    on_path: set[int] = set()
    too_big = too_deep = False
    # (node, where, leaving): leaving=True closes a node once its children are done.
    stack: list[tuple[yaml.Node, JsonPath, bool]] = [(root, (), False)]
    while stack:
        node, where, leaving = stack.pop()
        key = id(node)
        if leaving:
            on_path.discard(key)
            size[key] = 1 + sum(size.get(id(child), 0) for child in _children(node))
            if size[key] > MAX_VALUES and not too_big:
                too_big = True  # reported once, at the first value that grows too far
                problems.append(
                    _at(path, node, where, f"aliases expand this to over {MAX_VALUES} values")
                )
            continue
        if key in on_path:
            problems.append(_at(path, node, where, "recursive alias (it refers to itself)"))
            continue
        if key in size:
            continue  # an alias to a node already walked
        if len(where) > MAX_DEPTH:
            if not too_deep:
                too_deep = True
                message = f"nested more than {MAX_DEPTH} levels deep"
                problems.append(_at(path, node, where[:2], message))
            continue
        on_path.add(key)
        stack.append((node, where, True))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in reversed(node.value):
                if key_node.tag == _MERGE_TAG:
                    stack.append((value_node, where, False))
                    continue
                name = str(key_node.value)
                if key_node.tag != _TEXT_TAG:  # null, a number, a boolean, a date, a list...
                    problems.append(_at(path, key_node, where, "keys must be text", key=name))
                stack.append((value_node, (*where, name), False))
            for key_node, _ in node.value:
                name = str(key_node.value)
                if key_node.tag == _TEXT_TAG and name in seen:
                    problems.append(_at(path, key_node, where, "duplicate key", key=name))
                seen.add(name)
        elif isinstance(node, yaml.SequenceNode):
            for index in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[index], (*where, index), False))
    return list(dict.fromkeys(problems))


def _at(
    path: Path, node: yaml.Node, where: JsonPath, message: str, *, key: str | None = None
) -> str:
    """``file:line: field: message`` for a node; ``key`` names a key as written, whatever it is."""
    label = field_label(where)
    if key is not None and node.tag == _TEXT_TAG:
        label = field_label(where + (key,))
    elif key is not None:  # as written: `1`, `null`, `true`; a list or a map used as a key: `?`
        key = " ".join(key.split())[:40] if isinstance(node, yaml.ScalarNode) else "?"
        label = f"{label}.{key}" if label else key
    line = node.start_mark.line + 1
    return f"{path}:{line}: {label}: {message}" if label else f"{path}:{line}: {message}"


def _lines(root: yaml.Node) -> dict[JsonPath, int]:
    """The line of every value and key, by path. A node an alias repeats is walked only where it
    is defined, so a value reached through an alias takes the alias's line."""
    lines: dict[JsonPath, int] = {}
    walked: set[int] = set()
    stack: list[tuple[yaml.Node, JsonPath]] = [(root, ())]
    while stack:
        node, where = stack.pop()
        lines.setdefault(where, node.start_mark.line + 1)
        if id(node) in walked:
            continue
        walked.add(id(node))
        if isinstance(node, yaml.MappingNode):  # merge keys are flattened by now
            for key_node, value_node in node.value:
                name = str(key_node.value)
                lines[where + (name,)] = key_node.start_mark.line + 1
                stack.append((value_node, (*where, name)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*where, index)))
    return lines
