"""Run configuration: one YAML file, plus `section.key=value` overrides from the command line.

Every entry point (train, evaluate, predict, export, bench, report) reads the same file, so a
run is described in one place and `--set` changes it without editing it.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG = Path("configs/default.yaml")


class ConfigError(ValueError):
    """Raised when a config file is not valid YAML, or it or an override names a key the config
    does not have."""


def load_config(path: str | Path = DEFAULT_CONFIG, overrides: list[str] | None = None) -> dict:
    """The config in ``path`` with each ``section.key=value`` override applied in order."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            config = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        place = yaml_error_place(exc)
        raise ConfigError(f"{path}{place}: not valid YAML: {yaml_problem(exc)}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason}): save it as UTF-8") from None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        kind = type(config).__name__
        raise ConfigError(f"{path}: expected settings as `key: value` lines, not a YAML {kind}")
    for item in overrides or []:
        config = apply_override(config, item)
    return config


def yaml_error_place(exc: yaml.YAMLError) -> str:
    """``:line:column`` of a YAML syntax error (empty when PyYAML does not say)."""
    mark = getattr(exc, "problem_mark", None)
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong, on one line: PyYAML's problem and, when it gives one, what it was reading."""
    problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
    context, mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and mark is not None:
        problem += f" ({context} from line {mark.line + 1})"
    return problem


def apply_override(config: dict, item: str) -> dict:
    """A copy of ``config`` with one ``section.key=value`` override; the value is read as YAML.

    Only existing keys can be set, so a typo fails loudly instead of being silently ignored.
    """
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise ConfigError(f"override {item!r} is not of the form section.key=value")
    updated = copy.deepcopy(config)
    *parents, leaf = key.split(".")
    node: Any = updated
    for part in parents:
        if not isinstance(node, dict) or not isinstance(node.get(part), dict):
            raise ConfigError(f"override {item!r}: no config section {part!r}")
        node = node[part]
    if leaf not in node:
        raise ConfigError(f"override {item!r}: no config key {key!r}")
    try:
        node[leaf] = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        problem = yaml_problem(exc)
        raise ConfigError(f"override {item!r}: the value is not valid YAML: {problem}") from None
    return updated


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``--config`` and ``--set`` options every entry point shares."""
    parser.add_argument("--config", default=str(DEFAULT_CONFIG), help="YAML config file")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one config value, e.g. --set train.epochs=3 (repeatable)",
    )


def config_from_args(args: argparse.Namespace) -> dict:
    return load_config(args.config, args.overrides)


def run_dir(config: dict) -> Path:
    """Where a run keeps its checkpoints, metrics and exported model."""
    return Path(config["output_dir"])


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """A user's mistake (a bad config, a missing run or file) as one line, not a traceback."""
    try:
        yield
    except (ConfigError, FileNotFoundError, ValueError) as exc:
        raise SystemExit(f"error: {exc}") from None
