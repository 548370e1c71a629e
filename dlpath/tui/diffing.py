"""Line alignments of two files, for comparing the learner's file with the reference solution."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One row of a side-by-side view: a line from each side (None where a side has none)."""

    left: str | None
    right: str | None
    left_number: int | None
    right_number: int | None
    tag: str  # "equal", "replace", "delete" (only on the left) or "insert" (only on the right)


def side_by_side(left: list[str], right: list[str]) -> list[Row]:
    """Align two files line by line, pairing changed blocks row by row."""
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                Row(left[i], right[j], i + 1, j + 1, "equal")
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            has_left, has_right = i < i2, j < j2
            row_tag = "replace" if has_left and has_right else "delete" if has_left else "insert"
            rows.append(
                Row(
                    left[i] if has_left else None,
                    right[j] if has_right else None,
                    i + 1 if has_left else None,
                    j + 1 if has_right else None,
                    row_tag,
                )
            )
    return rows


def unified(left: list[str], right: list[str], left_name: str, right_name: str) -> list[str]:
    """A unified diff from the learner's file to the reference, one string per line."""
    return list(difflib.unified_diff(left, right, left_name, right_name, lineterm="", n=3))


def similarity(left: list[str], right: list[str]) -> float:
    """How alike two files are, from 0 to 1, line by line."""
    return difflib.SequenceMatcher(a=left, b=right, autojunk=False).ratio()
