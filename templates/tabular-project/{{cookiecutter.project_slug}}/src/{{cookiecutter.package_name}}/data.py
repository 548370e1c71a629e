"""Tables: scikit-learn's bundled breast-cancer data, or the learner's own CSV file.

A CSV file needs a header row, one target column (``data.target_column``, any strings) and
numeric feature columns; an empty feature cell is a missing value, an empty target cell an
error naming its line. Columns that are not numbers are refused with their names rather than
guessed at: encode them first (one-hot, ordinal...) and say so in WRITEUP.md. Files are read as
UTF-8, with or without the byte order mark Excel's "CSV UTF-8" writes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def load_breast_cancer_arrays() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """569 tumours, 30 numeric measurements each, malignant or benign: bundled, no download."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return (
        data.data.astype(np.float32),
        data.target.astype(np.int64),
        [str(name) for name in data.target_names],
        [str(name) for name in data.feature_names],
    )


def _number(text: str) -> float:
    return float(text) if text.strip() else float("nan")


def _checked_row(
    row: dict, path: Path, line: int, columns: list[str], target_column: str | None
) -> dict:
    """``row`` once it has a cell for every column, and a value in ``target_column``."""
    if None in row:  # csv puts the cells past the header's last column under None
        raise ValueError(f"{path}:{line}: more cells than the header's {len(columns)} columns")
    for column in columns:
        if row[column] is None or (column == target_column and not row[column].strip()):
            raise ValueError(f"{path}:{line}: no value in column {column!r}")
    return row


def read_table_csv(
    path: Path, target_column: str, require_target: bool = True
) -> tuple[np.ndarray, list[str], list[str]]:
    """Features (float32, NaN where empty), target labels and feature names of a CSV file.

    Without ``require_target`` (new rows to classify) the target column may be absent.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            if require_target and target_column not in columns:
                raise ValueError(
                    f"{path}: no target column {target_column!r} among {', '.join(columns)}"
                )
            target = target_column if require_target else None
            rows = [_checked_row(row, path, reader.line_num, columns, target) for row in reader]
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not UTF-8 text ({exc.reason}): save it as UTF-8 (Excel: CSV UTF-8)"
        ) from None
    except csv.Error as exc:
        raise ValueError(f"{path}: not a readable CSV file ({exc})") from None
    features = [c for c in columns if c != target_column]
    not_numeric = []
    for column in features:
        try:
            [_number(row[column]) for row in rows]
        except ValueError:
            not_numeric.append(column)
    if not_numeric:
        raise ValueError(f"{path}: columns that are not numbers: {', '.join(not_numeric)}")
    x = np.asarray([[_number(row[c]) for c in features] for row in rows], dtype=np.float32)
    labels = [row[target_column] for row in rows] if target_column in columns else []
    return x.reshape(len(rows), len(features)), labels, features
