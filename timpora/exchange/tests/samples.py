"""The spec's sample files (copied into ``files/``) and small helpers the import tests share."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from timpora.exchange.formats import write_table
from timpora.exchange.pipeline import import_file

FILES = Path(__file__).parent / "files"
KINDS = (
    "company",
    "stay-permit",
    "work-permit",
    "residence-registration",
    "border-crossing",
    "residence-report",
    "watchlist-entry",
)


def sample(kind: str) -> tuple[list[str], list[dict[str, str]]]:
    """The columns and rows of the spec's sample file of ``kind``."""
    with (FILES / f"{kind}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(
    path: Path, columns: list[str], rows: list[dict[str, str]], fmt: str | None = None
) -> Path:
    """Write rows in ``fmt`` (default: from the file name's extension); return the path."""
    with path.open("wb") as out:
        write_table(rows, columns, fmt or path.suffix[1:], out)
    return path


def run(kind: str, path: Path, agency: Any) -> Any:
    """Import a file from ``agency`` on the command line's path (no user)."""
    return import_file(kind, path, source=agency, user=None)
