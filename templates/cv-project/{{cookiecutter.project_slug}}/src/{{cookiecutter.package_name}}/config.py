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
    """Raised when a config file or an override names a key the config does not have."""


def load_config(path: str | Path = DEFAULT_CONFIG, overrides: list[str] | None = None) -> dict:
    """The config in ``path`` with each ``section.key=value`` override applied in order."""
    with open(path, encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    for item in overrides or []:
        config = apply_override(config, item)
    return config


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
    node[leaf] = yaml.safe_load(raw)
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
