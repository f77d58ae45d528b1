"""Loading the demo's exchange files into the registry, through the parser every import uses.

Each kind is recorded as coming from the agency that holds it in Batam: companies and work
permits from the manpower office, stay permits, crossings and residence reports (APOA) from
Immigration, SKTT and KTP-el from the civil registry. Every row is parsed before anything is
written, and the whole load is one transaction: a demo population is in the registry entirely or
not at all. Loading the same files again changes nothing (``record_facts`` is idempotent).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from django.db import transaction

from timpora.accounts.models import Agency, User
from timpora.registry.actions import RecordResult, record_facts
from timpora.registry.models import Company
from timpora.registry.models.facts import FACT_MODELS
from timpora.registry.records import Record, Reference, RowError, parse_row
from timpora.registry.reference import current_reference

# Kinds in dependency order (companies before the facts naming them), with their source agency.
SOURCES: dict[str, str] = {
    "company": "DISNAKER-BTM",
    "stay-permit": "IMI-BTM",
    "work-permit": "DISNAKER-BTM",
    "residence-registration": "DISDUKCAPIL-BTM",
    "border-crossing": "IMI-BTM",
    "residence-report": "IMI-BTM",
}
CHUNK = 2000
_FACT_MODEL_OF_KIND = {str(model.kind): model for model in FACT_MODELS.values()}


class DemoFileError(ValueError):
    """A demo file that cannot be loaded; the demo's own files must always be clean."""


def _path(out_dir: Path, kind: str) -> Path:
    return out_dir / f"{kind}.csv"


def read_records(path: Path, kind: str, reference: Reference) -> list[Record]:
    """Parse every row of one file; the first bad row stops it, naming file, line and reasons."""
    records: list[Record] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                records.append(parse_row(kind, row, reference))
            except RowError as exc:
                raise DemoFileError(f"{path}, line {reader.line_num}: {exc}") from exc
    return records


def _chunks(records: Sequence[Record]) -> Iterator[Sequence[Record]]:
    for start in range(0, len(records), CHUNK):
        yield records[start : start + CHUNK]


def _agencies() -> dict[str, Agency]:
    codes = sorted(set(SOURCES.values()))
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in agencies]
    if missing:
        raise DemoFileError(f"agencies {', '.join(missing)} are missing: run `timpora init` first")
    return agencies


def _add(total: RecordResult, part: RecordResult) -> None:
    total.created += part.created
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.persons_created += part.persons_created
    total.person_ids |= part.person_ids


@transaction.atomic
def load_directory(
    out_dir: Path,
    *,
    actor: User | None = None,
    progress: Callable[[str, RecordResult], None] | None = None,
) -> dict[str, RecordResult]:
    """Load the exchange files of ``out_dir`` in dependency order; return what each kind did.

    ``progress`` is called after each kind, for the command's progress lines.
    """
    reference = current_reference()
    agencies = _agencies()
    parsed = {kind: read_records(_path(out_dir, kind), kind, reference) for kind in SOURCES}
    results: dict[str, RecordResult] = {}
    for kind, records in parsed.items():
        total = RecordResult(kind=kind)
        for chunk in _chunks(records):
            _add(total, record_facts(chunk, source=agencies[SOURCES[kind]], actor=actor))
        results[kind] = total
        if progress:
            progress(kind, total)
    return results


def _last_record(path: Path, kind: str, reference: Reference) -> Record | None:
    last: dict[str, str] | None = None
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            last = row
    return parse_row(kind, last, reference) if last is not None else None


def is_loaded(out_dir: Path) -> bool:
    """Whether the registry holds these files' records (it checks the last row of each file).

    A load is one transaction, so a population is either wholly there or not at all.
    """
    if not all(_path(out_dir, kind).is_file() for kind in SOURCES):
        return False
    reference = current_reference()
    for kind, source in SOURCES.items():
        record = _last_record(_path(out_dir, kind), kind, reference)
        if record is None:
            continue
        if kind == "company":
            found = Company.objects.filter(company_id=record.key, registered=True).exists()
        else:
            found = (
                _FACT_MODEL_OF_KIND[kind]
                .objects.filter(source__code=source, source_key=record.key)
                .exists()
            )
        if not found:
            return False
    return True
