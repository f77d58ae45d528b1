"""The rejection report of a batch: the original columns of each rejected row, plus the reasons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from timpora.exchange.choices import RowStatus
from timpora.exchange.formats import write_table
from timpora.exchange.models import ImportBatch, RawRecord

REPORT_STATUSES = (RowStatus.REJECTED, RowStatus.SUPERSEDED)
LINE, STATUS, REASONS = "line", "outcome", "reasons"


def reasons_text(errors: str) -> str:
    """``field: expected (got "value")`` for each reason, separated by `` | ``."""
    if not errors:
        return ""
    items = json.loads(errors)
    return " | ".join(
        f'{e["field"]}: {e["expected"]} (received "{e["value"]}")'
        if e["value"]
        else f"{e['field']}: {e['expected']}"
        for e in items
    )


def report_columns(batch: ImportBatch) -> list[str]:
    extra = [c for c in (LINE, STATUS, REASONS) if c not in batch.columns]
    return [*extra[:1], *batch.columns, *extra[1:]]


def report_rows(batch: ImportBatch) -> Iterator[dict[str, str]]:
    rows = (
        RawRecord.objects.filter(batch=batch, status__in=REPORT_STATUSES)
        .order_by("line")
        .values_list("line", "values", "status", "errors")
    )
    for line, values, status, errors in rows.iterator(chunk_size=2000):
        row = dict(json.loads(values))
        row.setdefault(LINE, str(line))
        row.setdefault(STATUS, str(RowStatus(status).label))
        row.setdefault(REASONS, reasons_text(errors))
        yield row


def write_report(batch: ImportBatch, out: BinaryIO) -> int:
    """Write the rejection report as CSV (formula injection neutralised); return its rows."""
    return write_table(report_rows(batch), report_columns(batch), "csv", out)
