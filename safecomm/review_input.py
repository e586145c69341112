"""A review sheet as the reviewer hands it in: 审核表.yaml or 审核表.xlsx, from a path or an upload.

Above the sheet's model and rules (review.py) and its workbook form (review_book.py), which each
know one form; this module chooses between them by the file's name.
"""

from __future__ import annotations

from pathlib import Path

from .loading import parse_yaml, printable, read_input, read_yaml
from .review import Review, is_book, sheet_from
from .review_book import MAX_BYTES, read_book
from .upload import display_name


def load_review(path: str | Path) -> Review:
    """Read a review sheet, YAML or workbook (审核表.xlsx), from its file."""
    if is_book(path):
        return read_book(read_input(path, limit=MAX_BYTES, what="审核表文件"), printable(str(path)))
    return sheet_from(read_yaml(path))


def load_review_bytes(data: bytes, name: str) -> Review:
    """A review sheet that arrived as bytes (an upload); `name` is the display name messages cite."""
    if is_book(name):
        return read_book(data, display_name(name))
    return sheet_from(parse_yaml(data, display_name(name)))
