"""Text plots for the terminal: braille line plots, stacked columns and ratio bars.

Pure functions over numbers and strings (no Textual), so they are tested on their own and the
widgets stay thin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BRAILLE_BLANK = 0x2800
# The bit of each dot in a braille cell, indexed [row][column] (4 rows, 2 columns).
_DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
EIGHTHS = " ▁▂▃▄▅▆▇█"  # bottom-up partial blocks, index = eighths filled
_LEFT_EIGHTHS = " ▏▎▍▌▋▊▉█"  # left-to-right partial blocks


def braille_plot(
    points: Sequence[tuple[float, float]],
    width: int,
    height: int,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> list[str]:
    """A polyline through ``points`` on ``width`` x ``height`` braille cells, top row first.

    Each cell holds 2 x 4 dots, so the resolution is ``2 * width`` by ``4 * height``. Points out
    of range are clamped to the edge; consecutive points are joined by straight segments.
    """
    if width <= 0 or height <= 0:
        return []
    cells = [[0] * width for _ in range(height)]
    dots_w, dots_h = 2 * width, 4 * height
    x0, x1 = x_range
    y0, y1 = y_range

    def to_dot(x: float, y: float) -> tuple[int, int]:
        fx = 0.0 if x1 == x0 else (x - x0) / (x1 - x0)
        fy = 0.5 if y1 == y0 else (y - y0) / (y1 - y0)
        col = round(min(1.0, max(0.0, fx)) * (dots_w - 1))
        row = round((1.0 - min(1.0, max(0.0, fy))) * (dots_h - 1))
        return col, row

    def set_dot(col: int, row: int) -> None:
        cells[row // 4][col // 2] |= _DOT_BITS[row % 4][col % 2]

    previous: tuple[int, int] | None = None
    for x, y in points:
        if not (math.isfinite(x) and math.isfinite(y)):
            previous = None  # a gap in the line rather than a jump to the edge
            continue
        current = to_dot(x, y)
        if previous is None:
            set_dot(*current)
        else:
            for col, row in _segment(previous, current):
                set_dot(col, row)
        previous = current
    return ["".join(chr(BRAILLE_BLANK + bits) for bits in row) for row in cells]


def _segment(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """The dots of a straight line from ``start`` to ``end`` (Bresenham), both included."""
    (c0, r0), (c1, r1) = start, end
    dc, dr = abs(c1 - c0), -abs(r1 - r0)
    step_c, step_r = (1 if c1 >= c0 else -1), (1 if r1 >= r0 else -1)
    error = dc + dr
    dots = []
    while True:
        dots.append((c0, r0))
        if c0 == c1 and r0 == r1:
            return dots
        doubled = 2 * error
        if doubled >= dr:
            error += dr
            c0 += step_c
        if doubled <= dc:
            error += dc
            r0 += step_r


def value_range(values: Sequence[float], log: bool) -> tuple[float, float]:
    """The finite min and max of ``values`` (in log10 when ``log``), padded when they are equal."""
    finite = [
        math.log10(v) if log else v for v in values if math.isfinite(v) and (v > 0 or not log)
    ]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    return low, high


def wants_log_scale(values: Sequence[float]) -> bool:
    """A loss that falls across more than two decades reads better on a log axis."""
    positive = [v for v in values if math.isfinite(v) and v > 0]
    if len(positive) < 2 or len(positive) < len([v for v in values if math.isfinite(v)]):
        return False
    return max(positive) / min(positive) > 100


def ratio_bar(fraction: float, width: int) -> str:
    """A horizontal bar ``width`` cells long, filled to ``fraction`` in eighths of a cell."""
    if width <= 0:
        return ""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, partial = divmod(eighths, 8)
    bar = "█" * full
    if partial:
        bar += _LEFT_EIGHTHS[partial]
    return bar + "░" * (width - len(bar))


def stacked_column(lower: int, total: int, peak: int, height: int) -> list[tuple[str, str]]:
    """One column of a stacked bar chart, top cell first, as ``(character, part)`` pairs.

    ``part`` says which series the character shows: ``"lower"``, ``"upper"``, ``"both"`` (a
    partial lower block over a full upper cell) or ``""`` for empty.
    """
    if peak <= 0 or height <= 0:
        return [(" ", "")] * max(0, height)
    lower_units = round(min(lower, peak) / peak * height * 8)
    total_units = max(lower_units, round(min(total, peak) / peak * height * 8))
    if total > 0 and total_units == 0:
        total_units = 1  # a day with runs never looks empty
    cells = []
    for row in range(height):
        base = row * 8
        lower_fill = min(8, max(0, lower_units - base))
        total_fill = min(8, max(0, total_units - base))
        if lower_fill == 8:
            cells.append(("█", "lower"))
        elif lower_fill and total_fill == 8:
            cells.append((EIGHTHS[lower_fill], "both"))
        elif lower_fill:
            cells.append((EIGHTHS[lower_fill], "lower"))
        elif total_fill:
            cells.append((EIGHTHS[total_fill], "upper"))
        else:
            cells.append((" ", ""))
    return cells[::-1]


def short_number(value: float) -> str:
    """A number in at most about 7 characters: 0.0123, 1.23e-05, 4.56e+03."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}"
    return f"{value:.2e}"
