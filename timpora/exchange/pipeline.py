"""The import pipeline: one path for the command line, the upload page, the API and the demo.

A batch is read twice, as a stream (``exchange.formats``), never whole:

1. **Scan**: the whole file is read once before anything is written. A file that is not the
   format it claims (a malformed line, a 10 MB cell, a PDF named .csv) or lacks a required column
   is refused whole here, with nothing written but the refused batch. The scan also notes every
   key that comes more than once, and the line of its last row: the last one wins.
2. **Write**: the rows are read again in chunks. Each row is kept as a ``RawRecord`` exactly as
   received (line, values, checksum, key) with its outcome: accepted (created, updated or
   unchanged, and the person it was linked to), rejected with every reason, or superseded by a
   later row with the same key. The good rows are written as facts
   (``registry.actions.record_facts``, or the watch-list entries) in the same transaction as
   their raw rows and the batch's progress, so that an import killed at any moment and started
   again continues after the last chunk committed and ends exactly as one clean run would.

At the end, the derived facts of every person the batch touched are brought up to date, once
each (``registry.derived.refresh_derived``), and the batch is audited.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.core.bulk import insert_rows, refresh_statistics
from timpora.exchange.choices import BatchStatus, Channel, RowStatus
from timpora.exchange.formats import FORMATS, FileRefused, detect_format, read_table
from timpora.exchange.models import ImportBatch, RawRecord
from timpora.exchange.permissions import permission_for
from timpora.exchange.signals import batch_imported
from timpora.matching.actions import match_persons, record_watchlist_entries
from timpora.registry.actions import RecordResult, record_facts
from timpora.registry.choices import FactKind
from timpora.registry.derived import FIELDS_OF_KIND, refresh_derived
from timpora.registry.models import (
    BorderCrossing,
    Person,
    PersonNameToken,
    Place,
    Registration,
    Stay,
    StayPermit,
    TravelDocument,
    WorkPermit,
)
from timpora.registry.records import (
    COLUMNS,
    KEY_COLUMNS,
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
        if not Path(existing.stored_file).is_file():  # the same content, kept elsewhere now
            existing.stored_file = str(path)
            existing.save(update_fields=["stored_file"])
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
    """Import ``batch`` (or continue it where it stopped); return it finished.

    Raises :class:`ImportRefused` when the file is refused whole.
    """
    if batch.finished:
        if batch.status == BatchStatus.REFUSED:
            raise ImportRefused(batch)
        return batch
    if batch.started_at is None:
        batch.started_at = timezone.now()
        batch.save(update_fields=["started_at"])
    scan = _scan(batch, progress)
    _process(batch, scan, progress)
    _derive(batch)
    _match(batch)
    _finish(batch)
    _announce(batch)
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


@dataclass
class _Scan:
    """What a first read of the whole file tells before anything is written."""

    resolved: dict[str, str]
    # The last line of each key that comes more than once in the file.
    last_line: dict[str, int]
    rows: int


def _digest(data: bytes) -> Any:
    return hashlib.blake2b(data, digest_size=16)


def _key_reader(kind: str, resolved: Mapping[str, str]) -> Callable[[Mapping[str, str]], str]:
    """The key of a row (``registry.records.row_key``), read from the file's own columns."""
    pairs = [(field, column) for column, field in resolved.items() if field in KEY_COLUMNS[kind]]

    def key(values: Mapping[str, str]) -> str:
        return row_key(kind, {field: values.get(column) for field, column in pairs})

    return key


def _scan(batch: ImportBatch, progress: Progress | None = None) -> _Scan:
    """Read the whole file once: its columns, whether it reads at all, and duplicate keys.

    Raises :class:`ImportRefused` (nothing written) when the file is not the format it claims
    or lacks a required column.
    """
    path = Path(batch.stored_file)
    if batch.status == BatchStatus.QUEUED:
        batch.status = BatchStatus.STAGING
        batch.save(update_fields=["status"])
    try:
        with read_table(path, batch.format) as table:
            resolved = resolve_columns(batch.kind, table.columns, batch.mapping)
            problems = column_problems(batch.kind, resolved)
            if problems and (table.columns or batch.format not in ("json", "jsonl")):
                # (an empty JSON array has no keys, and no rows to lack them: it is no refusal)
                _refuse(batch, " ".join(problems))
            key_of = _key_reader(batch.kind, resolved)
            known = len(table.columns)
            # A 16-byte digest per key seen (not the key): memory grows by about 100 bytes per
            # row, whatever the width of the rows; only the repeated keys are kept in full.
            seen: set[bytes] = set()
            repeated: dict[str, int] = {}
            rows = 0
            for line, values in table.rows:
                if len(table.columns) != known:  # JSON: a key first seen in a later object
                    known = len(table.columns)
                    resolved = resolve_columns(batch.kind, table.columns, batch.mapping)
                    key_of = _key_reader(batch.kind, resolved)
                rows += 1
                if progress and not rows % CHUNK:
                    progress("scan", rows, 0)
                key = key_of(values)
                if key:
                    digest = _digest(key.encode()).digest()
                    if digest in seen:
                        repeated[key] = line
                    else:
                        seen.add(digest)
            del seen
            batch.encoding = table.encoding
            batch.notes = list(table.notes)
            batch.columns = list(table.columns)
    except FileRefused as refused:
        _refuse(batch, refused.reason)  # the reason names the line and column itself
    problems = column_problems(batch.kind, resolved)
    if problems and rows:
        _refuse(batch, " ".join(problems))
    batch.rows_total = rows
    batch.status = BatchStatus.APPLYING
    batch.save(update_fields=["encoding", "notes", "columns", "rows_total", "status"])
    return _Scan(resolved, repeated, rows)


def _raw_row(values: Mapping[str, str]) -> tuple[str, str]:
    raw = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return raw, hashlib.sha256(raw.encode()).hexdigest()


def _errors_json(errors: list[FieldError]) -> str:
    return json.dumps(
        [{"field": e.field, "value": e.value, "expected": e.expected} for e in errors],
        ensure_ascii=False,
    )


_RAW_COLUMNS = ("batch_id", "line", "values", "checksum", "key", "status", "errors", "person_id")


# After these chunks of a batch, PostgreSQL's statistics of the tables it grows are refreshed.
_ANALYZE_AFTER = frozenset({1, 4, 16, 64, 256})
_TABLES_OF_KIND: dict[str, tuple[type[Model], ...]] = {
    kind: (Person, TravelDocument, PersonNameToken, model)
    for kind, model in {
        FactKind.STAY_PERMIT: StayPermit,
        FactKind.WORK_PERMIT: WorkPermit,
        FactKind.RESIDENCE_REGISTRATION: Registration,
        FactKind.BORDER_CROSSING: BorderCrossing,
        FactKind.RESIDENCE_REPORT: Stay,
    }.items()
}
_TABLES_OF_KIND[FactKind.RESIDENCE_REPORT] += (Place,)


def _process(batch: ImportBatch, scan: _Scan, progress: Progress | None) -> None:
    """Keep, parse and write the rows after ``batch.staged_through``, a chunk per transaction."""
    reference = current_reference()
    permission = permission_for(batch.source, batch.kind)
    key_of = _key_reader(batch.kind, scan.resolved)
    pending: list[tuple[int, dict[str, str]]] = []
    chunks = 0
    with read_table(Path(batch.stored_file), batch.format) as table:
        for item in table.rows:
            if item[0] <= batch.staged_through:
                continue
            pending.append(item)
            if len(pending) >= CHUNK:
                _process_chunk(batch, pending, scan, key_of, reference, permission.allows_list)
                pending = []
                chunks += 1
                if chunks in _ANALYZE_AFTER:
                    refresh_statistics(_TABLES_OF_KIND.get(batch.kind, ()))
                if progress:
                    progress("apply", batch.processed, batch.rows_total)
        _process_chunk(batch, pending, scan, key_of, reference, permission.allows_list)
    if progress:
        progress("apply", batch.processed, batch.rows_total)


def _process_chunk(
    batch: ImportBatch,
    items: list[tuple[int, dict[str, str]]],
    scan: _Scan,
    key_of: Callable[[Mapping[str, str]], str],
    reference: Reference,
    lists: Callable[[str], bool],
) -> None:
    if not items:
        return
    kind = batch.kind
    resolved = scan.resolved
    raw_rows: list[list[Any]] = []
    records: list[Record] = []
    record_rows: list[list[Any]] = []
    rejected = superseded = 0
    for line, values in items:
        raw, checksum = _raw_row(values)
        key = key_of(values)
        row = [batch.pk, line, raw, checksum, key[:200], RowStatus.PENDING, "", None]
        raw_rows.append(row)
        last = scan.last_line.get(key)
        if last is not None and last != line:
            row[5] = RowStatus.SUPERSEDED
            row[6] = _errors_json(
                [
                    FieldError(
                        "+".join(KEY_COLUMNS[kind]),
                        key,
                        _("a key used once in a file; line %(line)s replaces this row")
                        % {"line": last},
                    )
                ]
            )
            superseded += 1
            continue
        fields = {resolved[c]: v for c, v in values.items() if c in resolved}
        try:
            record = parse_row(kind, fields, reference)
        except RowError as error:
            row[5], row[6] = RowStatus.REJECTED, _errors_json(error.errors)
            rejected += 1
            continue
        if isinstance(record, WatchlistEntryRecord) and not lists(record.list):
            row[5] = RowStatus.REJECTED
            row[6] = _errors_json(
                [
                    FieldError(
                        "list",
                        record.list,
                        _("a watch list that %(agency)s may send") % {"agency": batch.source.code},
                    )
                ]
            )
            rejected += 1
            continue
        records.append(record)
        record_rows.append(row)
    with transaction.atomic():
        result = _write(batch, records)
        persons = result.record_persons or [None] * len(records)
        for row, outcome, person in zip(record_rows, result.outcomes, persons, strict=True):
            row[5], row[7] = outcome, person
        insert_rows(RawRecord._meta.db_table, _RAW_COLUMNS, raw_rows)
        batch.created += result.created
        batch.updated += result.updated
        batch.unchanged += result.unchanged
        batch.rejected += rejected
        batch.superseded += superseded
        batch.persons_created += result.persons_created
        batch.conflicts += result.conflicts
        batch.staged_through = items[-1][0]
        ImportBatch.objects.filter(pk=batch.pk).update(
            created=batch.created,
            updated=batch.updated,
            unchanged=batch.unchanged,
            rejected=batch.rejected,
            superseded=batch.superseded,
            persons_created=batch.persons_created,
            conflicts=batch.conflicts,
            staged_through=batch.staged_through,
        )


def _derive(batch: ImportBatch) -> None:
    """Bring the derived facts of every person this batch touched up to date (once each)."""
    if batch.kind not in FIELDS_OF_KIND:
        return
    persons = (
        RawRecord.objects.filter(batch=batch, person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    refresh_derived(list(persons), kind=batch.kind)


def _match(batch: ImportBatch) -> None:
    """Index, link and screen every person this batch touched (see matching.actions)."""
    if batch.kind in (FactKind.WATCHLIST_ENTRY, FactKind.COMPANY):
        return
    persons = (
        RawRecord.objects.filter(batch=batch, person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    matched = match_persons(list(persons), actor=batch.submitted_by)
    raised = []
    if matched.linked.created:
        raised.append(
            ngettext(
                "%(count)s possible duplicate person was raised for review.",
                "%(count)s possible duplicate persons were raised for review.",
                matched.linked.created,
            )
            % {"count": matched.linked.created}
        )
    if matched.screened.created:
        raised.append(
            ngettext(
                "%(count)s watch-list hit was raised for review.",
                "%(count)s watch-list hits were raised for review.",
                matched.screened.created,
            )
            % {"count": matched.screened.created}
        )
    if raised:
        batch.notes = [*batch.notes, *raised]
        batch.save(update_fields=["notes"])


def _write(batch: ImportBatch, records: list[Record]) -> RecordResult:
    if not records:
        return RecordResult(kind=batch.kind)
    if batch.kind == FactKind.WATCHLIST_ENTRY:
        entries = [r for r in records if isinstance(r, WatchlistEntryRecord)]
        return record_watchlist_entries(
            entries, source=batch.source, actor=batch.submitted_by, audited=False
        )
    return record_facts(
        records, source=batch.source, actor=batch.submitted_by, audited=False, derive=False
    )


def _announce(batch: ImportBatch) -> None:
    """Tell the later apps (detection) which persons and companies the batch touched."""
    rows = RawRecord.objects.filter(batch=batch)
    persons = list(rows.filter(person__isnull=False).values_list("person_id", flat=True).distinct())
    companies = list(rows.values_list("key", flat=True)) if batch.kind == FactKind.COMPANY else []
    batch_imported.send(sender=ImportBatch, batch=batch, person_ids=persons, company_ids=companies)


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
