"""Text: the review sentences shipped in data/reviews.csv, or the learner's own CSV file.

A CSV file needs a header row and two columns, the text and its label (any strings); their
names are ``data.text_column`` and ``data.label_column`` in the config. Text is lowercased and
cut into words; each word becomes an id from a vocabulary built on the training split only, so
the validation and test sets hold words the model has never seen, as real inputs will.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np

PAD, UNKNOWN = "<pad>", "<unk>"  # ids 0 and 1
WORD = re.compile(r"[a-z0-9']+")


def tokenize(text: str) -> list[str]:
    """Lowercase words and numbers; punctuation is dropped."""
    return WORD.findall(text.lower())


def read_labelled_csv(
    path: Path, text_column: str, label_column: str
) -> tuple[list[str], list[str]]:
    """The texts and labels of a CSV file with a header row, UTF-8 (with or without the byte
    order mark Excel's "CSV UTF-8" writes). A row with an empty cell, or with more cells than
    the header has columns, is an error naming its line."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            missing = {text_column, label_column} - set(columns)
            if missing:
                raise ValueError(f"{path}: no column named {', '.join(sorted(missing))}")
            rows = [_text_and_label(row, path, reader.line_num, text_column, label_column)
                    for row in reader]  # fmt: skip
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not UTF-8 text ({exc.reason}): save it as UTF-8 (Excel: CSV UTF-8)"
        ) from None
    except csv.Error as exc:
        raise ValueError(f"{path}: not a readable CSV file ({exc})") from None
    if len({label for _, label in rows}) < 2:
        raise ValueError(f"{path}: needs rows of at least two labels")
    texts, labels = zip(*rows, strict=True)
    return list(texts), list(labels)


def _text_and_label(
    row: dict, path: Path, line: int, text_column: str, label_column: str
) -> tuple[str, str]:
    if None in row:  # csv puts the cells past the header's last column under None
        raise ValueError(
            f"{path}:{line}: more cells than the header has columns "
            "(put a text holding a comma in double quotes)"
        )
    for column in (text_column, label_column):
        if not (row[column] or "").strip():  # None when the row has too few cells
            raise ValueError(f"{path}:{line}: no value in column {column!r}")
    return row[text_column], row[label_column]


def build_vocabulary(texts: list[str], min_count: int = 1) -> list[str]:
    """Padding, unknown, then every word seen ``min_count`` times, most frequent first."""
    counts = Counter(word for text in texts for word in tokenize(text))
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return [PAD, UNKNOWN, *words]


def encode(texts: list[str], vocabulary: list[str], max_len: int) -> np.ndarray:
    """Word ids, cut or padded to ``max_len``: an int64 array (N, max_len), 0 for padding.

    A text with no words becomes one unknown word, so no row is all padding.
    """
    index = {word: i for i, word in enumerate(vocabulary)}
    ids = np.zeros((len(texts), max_len), dtype=np.int64)
    for row, text in enumerate(texts):
        tokens = [index.get(word, 1) for word in tokenize(text)][:max_len] or [1]
        ids[row, : len(tokens)] = tokens
    return ids
