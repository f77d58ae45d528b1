"""The import pipeline: one path for the command line, the upload page, the API and the demo.

A batch runs in two phases, each in chunks that commit with their progress, so that an import
killed at any moment and started again continues where it stopped and ends exactly as one clean
run would:

1. **Staging** reads the file as a stream and keeps every row as received (line, values,
   checksum, key) before anything is parsed. A file that is not the format it claims, or lacks a
   required column, is refused whole: its staged rows are removed and nothing else was written.
   When the whole file is staged, a row whose key comes again later in the file is marked
   superseded (the last one wins, and the report says so).
2. **Applying** parses the staged rows, rejects the wrong ones with every reason, and writes the
   good ones as facts (``registry.actions.record_facts``, or the watch-list entries), a chunk per
   transaction that also records each row's outcome and the batch's counts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.core.bulk import insert_rows
from timpora.exchange.choices import BatchStatus, Channel, RowStatus
from timpora.exchange.formats import FORMATS, FileRefused, detect_format, read_table
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.permissions import permission_for
from timpora.matching.actions import record_watchlist_entries
from timpora.registry.actions import RecordResult, record_facts
from timpora.registry.choices import FactKind
from timpora.registry.records import (
    COLUMNS,
    REQUIRED_COLUMNS,
    FieldError,
    Record,
    Reference,
    RowError,
    WatchlistEntryRecord,
    parse_row,
    row_key,
)
from timpora.registry.reference import current_reference

logger = logging.getLogger(__name__)

CHUNK = 5000
UNFINISHED = (BatchStatus.QUEUED, BatchStatus.STAGING, BatchStatus.APPLYING)
Progress = Callable[[str, int, int], None]  # (phase, rows done, rows expected or 0)


class ImportRefused(Exception):  # noqa: N818  (a refusal is an outcome, not a failure)
    """The batch was refused whole; ``batch.refusal`` says why."""

    def __init__(self, batch: ImportBatch) -> None:
        super().__init__(batch.refusal)
        self.batch = batch


# --- Columns ---------------------------------------------------------------------------------


def _folded(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def resolve_columns(
    kind: str, columns: Iterable[str], mapping: Mapping[str, str]
) -> dict[str, str]:
    """Which exchange field each file column fills: the mapping first, then the same name.

    Names match regardless of case, spaces and dashes (``Full Name`` fills ``full_name``). A
    column mapped to ``""`` is ignored; columns that fill nothing are kept with the raw row only.
    """
    fields = set(COLUMNS[kind])
    resolved: dict[str, str] = {}
    for column in columns:
        target = mapping[column] if column in mapping else _folded(column)
        if target and target in fields:
            resolved[column] = target
    return resolved


def column_problems(kind: str, resolved: Mapping[str, str]) -> list[str]:
    """Why these columns cannot be imported as ``kind`` (empty when they can)."""
    problems = []
    filled: dict[str, str] = {}
    for column, field in resolved.items():
        if field in filled:
            problems.append(
                _("Columns “%(a)s” and “%(b)s” both fill the field %(field)s.")
                % {"a": filled[field], "b": column, "field": field}
            )
        filled[field] = column
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in filled]
    if missing:
        problems.append(
            _("The file lacks the required column(s): %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    return problems


# --- Starting a batch ------------------------------------------------------------------------


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def start_batch(
    *,
    kind: str,
    path: Path,
    source: Agency,
    user: User | None,
    channel: str,
    file_name: str = "",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportBatch:
    """The batch for this file: an unfinished one of the same file and sender, or a new one.

    Raises :class:`ImportRefused` when the sender may not send this kind or the format is
    unknown (the refused batch is kept, and audited).
    """
    if kind not in FactKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    name = file_name or path.name
    sha256 = file_digest(path)
    existing = (
        ImportBatch.objects.filter(source=source, kind=kind, sha256=sha256, status__in=UNFINISHED)
        .order_by("created_at")
        .first()
    )
    if existing is not None and existing.mapping == dict(mapping or {}):
        return existing
    batch = ImportBatch.objects.create(
        kind=kind,
        source=source,
        submitted_by=user,
        channel=channel,
        file_name=name[:255],
        format=fmt or "",
        sha256=sha256,
        size=path.stat().st_size,
        stored_file=str(path),
        mapping=dict(mapping or {}),
    )
    try:
        batch.format = fmt or detect_format(name)
    except FileRefused as refused:
        _refuse(batch, refused.reason)
    if batch.format not in FORMATS:
        _refuse(
            batch,
            _("Unknown format %(format)s; use one of %(formats)s.")
            % {"format": batch.format, "formats": ", ".join(FORMATS)},
        )
    if not permission_for(source, kind).allowed:
        _refuse(
            batch,
            _("%(agency)s may not send records of the kind %(kind)s.")
            % {"agency": source.code, "kind": kind},
        )
    batch.save(update_fields=["format"])
    audit(
        actor=user,
        verb=Verb.BATCH_SUBMITTED,
        subject=batch,
        agency=source,
        changes={"kind": kind, "file": batch.file_name, "channel": channel, "sha256": sha256},
    )
    return batch


def _refuse(batch: ImportBatch, reason: str) -> None:
    with transaction.atomic():
        RawRecord.objects.filter(batch=batch).delete()
        batch.status = BatchStatus.REFUSED
        batch.refusal = reason
        batch.rows_total = batch.staged_through = 0
        batch.finished_at = timezone.now()
        batch.save()
        audit(
            actor=batch.submitted_by,
            verb=Verb.BATCH_REFUSED,
            subject=batch,
            agency=batch.source,
            changes={"kind": batch.kind, "file": batch.file_name, "reason": reason},
        )
    raise ImportRefused(batch)


# --- Running a batch -------------------------------------------------------------------------


def run_batch(batch: ImportBatch, *, progress: Progress | None = None) -> ImportBatch:
    """Stage and apply ``batch`` (or continue it); return it finished.

    Raises :class:`ImportRefused` when the file is refused whole.
    """
    if batch.finished:
        if batch.status == BatchStatus.REFUSED:
            raise ImportRefused(batch)
        return batch
    if batch.started_at is None:
        batch.started_at = timezone.now()
        batch.save(update_fields=["started_at"])
    if batch.status in (BatchStatus.QUEUED, BatchStatus.STAGING):
        _stage(batch, progress)
        _mark_superseded(batch)
    _apply(batch, progress)
    _finish(batch)
    return batch


def import_file(
    kind: str,
    path: Path,
    *,
    source: Agency,
    user: User | None,
    channel: str = Channel.COMMAND,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportBatch:
    """Import one file in the foreground (the command line, the demo, small uploads)."""
    batch = start_batch(
        kind=kind,
        path=path,
        source=source,
        user=user,
        channel=channel,
        fmt=fmt,
        mapping=mapping,
        file_name=file_name,
    )
    return run_batch(batch, progress=progress)


def submit_upload(
    *,
    kind: str,
    upload: Any,
    source: Agency,
    user: User | None,
    channel: str,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportBatch:
    """Keep an uploaded file and import it: at once when small, else by the worker.

    ``upload`` is a Django ``UploadedFile`` (or any object with ``name``, ``size`` and
    ``chunks()``). Raises :class:`ImportRefused` when the file is refused at once.
    """
    from timpora.exchange.tasks import run_import

    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(str(upload.name or "upload")).name
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (kept until the batch is done)
        dir=folder, prefix="batch-", suffix=Path(name).suffix[:10], delete=False
    )
    with handle:
        for block in upload.chunks():
            handle.write(block)
    path = Path(handle.name)
    try:
        batch = start_batch(
            kind=kind,
            path=path,
            source=source,
            user=user,
            channel=channel,
            file_name=name,
            fmt=fmt,
            mapping=mapping,
        )
    except ImportRefused:
        path.unlink(missing_ok=True)
        raise
    if Path(batch.stored_file) != path:  # the same file again continues its unfinished batch
        path.unlink(missing_ok=True)
    if batch.size <= settings.IMPORT_INLINE_MAX_KB * 1024:
        try:
            run_batch(batch)
        finally:
            discard_upload(batch)
    else:
        run_import.enqueue(batch.pk)
    return batch


def discard_upload(batch: ImportBatch) -> None:
    """Remove an uploaded file once its batch is finished (the raw rows keep what it held)."""
    if not batch.finished or not batch.stored_file:
        return
    path = Path(batch.stored_file)
    if path.parent.resolve() == Path(settings.UPLOAD_DIR).resolve():
        path.unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")


def _raw_json(values: Mapping[str, str]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _stage(batch: ImportBatch, progress: Progress | None) -> None:
    path = Path(batch.stored_file)
    table_name = RawRecord._meta.db_table
    columns = ("batch_id", "line", "values", "checksum", "key", "status", "errors")
    try:
        with read_table(path, batch.format) as table:
            resolved = resolve_columns(batch.kind, table.columns, batch.mapping)
            problems = column_problems(batch.kind, resolved)
            if problems and (table.columns or batch.format not in ("json", "jsonl")):
                # (an empty JSON array has no keys, and no rows to lack them: it is no refusal)
                _refuse(batch, " ".join(problems))
            batch.encoding = table.encoding
            batch.notes = list(table.notes)
            batch.columns = list(table.columns)
            batch.status = BatchStatus.STAGING
            batch.save(update_fields=["encoding", "notes", "columns", "status"])
            expected = _expected_rows(path, batch.format)
            done_through = batch.staged_through
            pending: list[tuple[Any, ...]] = []
            known = len(table.columns)
            for line, values in _rows_after(table.rows, done_through):
                if len(table.columns) != known:  # JSON: a key first seen in a later object
                    known = len(table.columns)
                    resolved = resolve_columns(batch.kind, table.columns, batch.mapping)
                raw = _raw_json(values)
                fields = {resolved[c]: v for c, v in values.items() if c in resolved}
                pending.append(
                    (
                        batch.pk,
                        line,
                        raw,
                        hashlib.sha256(raw.encode()).hexdigest(),
                        row_key(batch.kind, fields)[:200],
                        RowStatus.PENDING,
                        "",
                    )
                )
                if len(pending) >= CHUNK:
                    _commit_staged(batch, table_name, columns, pending)
                    if progress:
                        progress("stage", batch.rows_total, expected)
                    pending = []
            _commit_staged(batch, table_name, columns, pending)
            if list(table.columns) != batch.columns:
                batch.columns = list(table.columns)
                batch.save(update_fields=["columns"])
            if progress:
                progress("stage", batch.rows_total, batch.rows_total)
    except FileRefused as refused:
        _refuse(batch, refused.reason)  # the reason names the line and column itself


def _rows_after(rows: Iterator[tuple[int, dict[str, str]]], line: int) -> Iterator[Any]:
    for item in rows:
        if item[0] > line:
            yield item


def _expected_rows(path: Path, fmt: str) -> int:
    """About how many rows the file has (lines less the header), for the progress bar."""
    if fmt not in ("csv", "jsonl"):
        return 0
    count = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return max(count - (1 if fmt == "csv" else 0), 0)


def _commit_staged(
    batch: ImportBatch, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    with transaction.atomic():
        insert_rows(table, columns, rows)
        batch.rows_total += len(rows)
        batch.staged_through = rows[-1][1]
        ImportBatch.objects.filter(pk=batch.pk).update(
            rows_total=batch.rows_total, staged_through=batch.staged_through
        )


def _key_fields(kind: str) -> str:
    from timpora.registry.records import KEY_COLUMNS

    return "+".join(KEY_COLUMNS[kind])


def _mark_superseded(batch: ImportBatch) -> None:
    """The last row with a key wins; the earlier ones are kept, marked superseded."""
    duplicates = (
        RawRecord.objects.filter(batch=batch)
        .exclude(key="")
        .values("key")
        .annotate(n=Count("id"), last=Max("line"))
        .filter(n__gt=1)
    )
    field = _key_fields(batch.kind)
    with transaction.atomic():
        superseded = 0
        for item in duplicates.iterator():
            reason = [
                {
                    "field": field,
                    "value": item["key"],
                    "expected": _("a key used once in a file; line %(line)s replaces this row")
                    % {"line": item["last"]},
                }
            ]
            superseded += (
                RawRecord.objects.filter(batch=batch, key=item["key"], line__lt=item["last"])
                .filter(status=RowStatus.PENDING)
                .update(status=RowStatus.SUPERSEDED, errors=json.dumps(reason, ensure_ascii=False))
            )
        batch.superseded += superseded
        batch.status = BatchStatus.APPLYING
        ImportBatch.objects.filter(pk=batch.pk).update(
            superseded=batch.superseded, status=batch.status
        )


@dataclass
class _Parsed:
    records: list[Record]
    record_ids: list[int]
    rejected: list[tuple[int, list[FieldError]]]


def _parse_chunk(
    batch: ImportBatch,
    rows: list[tuple[int, int, str]],
    resolved: dict[str, str],
    reference: Reference,
    lists: Callable[[str], bool],
) -> _Parsed:
    parsed = _Parsed([], [], [])
    kind = batch.kind
    for row_id, _line, raw in rows:
        values = json.loads(raw)
        fields = {resolved[c]: v for c, v in values.items() if c in resolved}
        try:
            record = parse_row(kind, fields, reference)
        except RowError as error:
            parsed.rejected.append((row_id, error.errors))
            continue
        if isinstance(record, WatchlistEntryRecord) and not lists(record.list):
            parsed.rejected.append(
                (
                    row_id,
                    [
                        FieldError(
                            "list",
                            record.list,
                            _("a watch list that %(agency)s may send")
                            % {"agency": batch.source.code},
                        )
                    ],
                )
            )
            continue
        parsed.records.append(record)
        parsed.record_ids.append(row_id)
    return parsed


def _errors_json(errors: list[FieldError]) -> str:
    return json.dumps(
        [{"field": e.field, "value": e.value, "expected": e.expected} for e in errors],
        ensure_ascii=False,
    )


def _apply(batch: ImportBatch, progress: Progress | None) -> None:
    reference = current_reference()
    permission = permission_for(batch.source, batch.kind)
    resolved = resolve_columns(batch.kind, batch.columns, batch.mapping)
    cursor = 0
    while True:
        rows = list(
            RawRecord.objects.filter(batch=batch, line__gt=cursor, status=RowStatus.PENDING)
            .order_by("line")
            .values_list("id", "line", "values")[:CHUNK]
        )
        if not rows:
            break
        cursor = rows[-1][1]
        parsed = _parse_chunk(batch, rows, resolved, reference, permission.allows_list)
        with transaction.atomic():
            result = _write(batch, parsed.records)
            by_status: dict[str, list[int]] = {}
            for row_id, outcome in zip(parsed.record_ids, result.outcomes, strict=True):
                by_status.setdefault(outcome, []).append(row_id)
            for status, ids in by_status.items():
                for start in range(0, len(ids), 900):
                    RawRecord.objects.filter(id__in=ids[start : start + 900]).update(status=status)
            for row_id, errors in parsed.rejected:
                RawRecord.objects.filter(id=row_id).update(
                    status=RowStatus.REJECTED, errors=_errors_json(errors)
                )
            batch.created += result.created
            batch.updated += result.updated
            batch.unchanged += result.unchanged
            batch.rejected += len(parsed.rejected)
            batch.persons_created += result.persons_created
            batch.conflicts += result.conflicts
            ImportBatch.objects.filter(pk=batch.pk).update(
                created=batch.created,
                updated=batch.updated,
                unchanged=batch.unchanged,
                rejected=batch.rejected,
                persons_created=batch.persons_created,
                conflicts=batch.conflicts,
            )
        if progress:
            progress("apply", batch.processed, batch.rows_total)


def _write(batch: ImportBatch, records: list[Record]) -> RecordResult:
    if not records:
        return RecordResult(kind=batch.kind)
    if batch.kind == FactKind.WATCHLIST_ENTRY:
        entries = [r for r in records if isinstance(r, WatchlistEntryRecord)]
        return record_watchlist_entries(
            entries, source=batch.source, actor=batch.submitted_by, audited=False
        )
    return record_facts(records, source=batch.source, actor=batch.submitted_by, audited=False)


def _finish(batch: ImportBatch) -> None:
    with transaction.atomic():
        batch.status = BatchStatus.COMPLETED
        batch.finished_at = timezone.now()
        if not batch.rows_total:
            batch.notes = [*batch.notes, _("The file has a header but no rows.")]
        batch.save()
        audit(
            actor=batch.submitted_by,
            verb=Verb.BATCH_IMPORTED,
            subject=batch,
            agency=batch.source,
            changes={
                "kind": batch.kind,
                "file": batch.file_name,
                "rows": batch.rows_total,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "rejected": batch.rejected,
                "superseded": batch.superseded,
                "persons_created": batch.persons_created,
                "conflicts": batch.conflicts,
            },
        )
