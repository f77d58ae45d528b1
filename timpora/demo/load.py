"""Loading the demo's exchange files into the registry, through the importer every agency uses.

Each kind is recorded as coming from the agency that holds it in Batam: companies and work
permits from the manpower office, stay permits, crossings and residence reports (APOA) from
Immigration, SKTT and KTP-el from the civil registry. Each file is one import batch of the
exchange app (``exchange.pipeline.import_file``, channel DEMO), with its raw rows kept, exactly
as an agency's upload would be. The demo's own files must be clean, so every row is parsed
before the first file is imported, and a bad row stops the load naming file, line and reasons.

The stay permits that were extended come twice: as issued in ``stay-permit.csv``, then their
extensions in ``stay-permit.updates.csv``, imported right after it, so that the registry keeps
each permit's first validity in its history (revision 1) under the extended one. A file that was
already imported completely from the same agency is not imported again (importing the first
terms again would roll the extended permits back): loading the same files again changes nothing.

The police's files (``<kind>.police.csv``) come from the police: the guest lists copied at
lodgings from Polresta Barelang, the wanted list (DPO) from Polda Kepri. The watch lists come
last: importing them queues the re-screening of everyone against them
(``matching.tasks.rescreen_entries``, run by the worker); the demo re-screens at once as well,
so that its hits await the officers as soon as it is loaded (the queued task then finds them
open and raises nothing twice).

The detection rules, which run for what each imported batch touched, wait until every file is
in: run file by file, they would judge persons on half their facts (an ITAS before its work
permit, an arrival before its report) and raise alerts that the next file resolves. The caller
runs them once, as of the population's day (``timpora demo`` does a full sweep).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from timpora.accounts.models import Agency, User
from timpora.demo.ledger import FILES, POLICE, UPDATES
from timpora.detection import signals as detection_signals
from timpora.exchange.choices import BatchStatus, Channel
from timpora.exchange.models import ImportBatch
from timpora.exchange.pipeline import file_digest, import_file
from timpora.exchange.signals import batch_imported
from timpora.matching.actions import rescreen_for_entries
from timpora.matching.models import WatchlistEntry
from timpora.registry.actions import RecordResult
from timpora.registry.models import Company
from timpora.registry.models.facts import FACT_MODELS
from timpora.registry.records import Record, Reference, RowError, parse_row
from timpora.registry.reference import current_reference

# The agency each kind comes from (``FILES`` gives the order the files are loaded in).
SOURCES: dict[str, str] = {
    "company": "DISNAKER-BTM",
    "stay-permit": "IMI-BTM",
    "work-permit": "DISNAKER-BTM",
    "residence-registration": "DISDUKCAPIL-BTM",
    "border-crossing": "IMI-BTM",
    "residence-report": "IMI-BTM",
    "watchlist-entry": "IMI-BTM",
}
# The police's files: Polresta Barelang's guest lists, the wanted list of Polda Kepri.
POLICE_SOURCES = {"residence-report": "POLRESTA-BRL", "watchlist-entry": "POLDA-KEPRI"}
CHUNK = 2000
DETECTION_HOOK = "detection.detect_after_import"  # the dispatch uid of the rules' import hook
_FACT_MODEL_OF_KIND = {str(model.kind): model for model in FACT_MODELS.values()}
# What an update (an extension) changes, and so tells whether the registry holds it.
_UPDATED_FIELDS = ("status", "valid_until")


class DemoFileError(ValueError):
    """A demo file that cannot be loaded; the demo's own files must always be clean."""


def _path(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}.csv"


def source_of(name: str) -> str:
    """The agency a file comes from, by its name in ``FILES``."""
    kind = FILES[name]
    return POLICE_SOURCES[kind] if name.endswith(POLICE) else SOURCES[kind]


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


def _agencies() -> dict[str, Agency]:
    codes = sorted({source_of(name) for name in FILES})
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in agencies]
    if missing:
        raise DemoFileError(f"agencies {', '.join(missing)} are missing: run `timpora init` first")
    return agencies


def _result(kind: str, batch: ImportBatch) -> RecordResult:
    return RecordResult(
        kind=kind,
        created=batch.created,
        updated=batch.updated,
        unchanged=batch.unchanged,
        persons_created=batch.persons_created,
    )


def load_directory(
    out_dir: Path,
    *,
    actor: User | None = None,
    progress: Callable[[str, RecordResult], None] | None = None,
) -> dict[str, RecordResult]:
    """Import the exchange files of ``out_dir`` in the order of ``FILES``; return what each did.

    Results and ``progress`` (called after each file, for the command's progress lines) name
    the files as ``FILES`` does: ``stay-permit``, ``stay-permit.updates``, ...
    """
    reference = current_reference()
    agencies = _agencies()
    for name, kind in FILES.items():
        read_records(_path(out_dir, name), kind, reference)  # the demo's files must be clean
    with _rules_waiting():
        return _load(out_dir, reference, agencies, actor, progress)


@contextmanager
def _rules_waiting() -> Iterator[None]:
    """No detection after each batch while the files are loaded (see the module's doc)."""
    hook = detection_signals.detect_after_import
    batch_imported.disconnect(hook, dispatch_uid=DETECTION_HOOK)
    try:
        yield
    finally:
        detection_signals.connect()


def _load(
    out_dir: Path,
    reference: Reference,
    agencies: dict[str, Agency],
    actor: User | None,
    progress: Callable[[str, RecordResult], None] | None,
) -> dict[str, RecordResult]:
    results: dict[str, RecordResult] = {}
    for name, kind in FILES.items():
        path = _path(out_dir, name)
        source = agencies[source_of(name)]
        done = (
            ImportBatch.objects.filter(
                source=source, kind=kind, sha256=file_digest(path), status=BatchStatus.COMPLETED
            )
            .order_by("created_at")
            .first()
        )
        if done is not None:
            results[name] = RecordResult(kind=kind, unchanged=done.rows_total - done.rejected)
        else:
            batch = import_file(kind, path, source=source, user=actor, channel=Channel.DEMO)
            if batch.rejected:
                raise DemoFileError(f"{path}: {batch.rejected} rows rejected (batch {batch.code})")
            results[name] = _result(kind, batch)
            if kind == "watchlist-entry":
                _screen(path, kind, source, reference, actor)
        if progress:
            progress(name, results[name])
    return results


def _screen(
    path: Path, kind: str, source: Agency, reference: Reference, actor: User | None
) -> None:
    """Screen everyone against the entries of a watch-list file just imported."""
    keys = [record.key for record in read_records(path, kind, reference)]
    entries: list[int] = []
    for start in range(0, len(keys), CHUNK):
        entries.extend(
            WatchlistEntry.objects.filter(
                source=source, source_key__in=keys[start : start + CHUNK]
            ).values_list("pk", flat=True)
        )
    rescreen_for_entries(sorted(entries), actor=actor)


def _updated_already(kind: str, updates: Sequence[Record], source: str) -> set[str]:
    """Keys of the ``updates`` the registry already holds from ``source``, as they change it."""
    if not updates:
        return set()
    wanted = {r.key: tuple(getattr(r, field) for field in _UPDATED_FIELDS) for r in updates}
    keys = sorted(wanted)
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        stored = (
            _FACT_MODEL_OF_KIND[kind]
            .objects.filter(source__code=source, source_key__in=keys[start : start + CHUNK])
            .values_list("source_key", *_UPDATED_FIELDS)
        )
        found.update(key for key, *values in stored if tuple(values) == wanted[key])
    return found


def _last_record(path: Path, kind: str, reference: Reference) -> Record | None:
    last: dict[str, str] | None = None
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            last = row
    return parse_row(kind, last, reference) if last is not None else None


def is_loaded(out_dir: Path) -> bool:
    """Whether the registry holds these files' records (it checks the last row of each file).

    The last update must be there with its changes, not just its permit. A load is one
    transaction, so a population is either wholly there or not at all.
    """
    if not all(_path(out_dir, name).is_file() for name in FILES):
        return False
    reference = current_reference()
    for name, kind in FILES.items():
        source = source_of(name)
        record = _last_record(_path(out_dir, name), kind, reference)
        if record is None:
            continue
        if kind == "company":
            found = Company.objects.filter(company_id=record.key, registered=True).exists()
        elif kind == "watchlist-entry":
            found = WatchlistEntry.objects.filter(
                source__code=source, source_key=record.key
            ).exists()
        elif name.endswith(UPDATES):
            found = bool(_updated_already(kind, [record], source))
        else:
            found = (
                _FACT_MODEL_OF_KIND[kind]
                .objects.filter(source__code=source, source_key=record.key)
                .exists()
            )
        if not found:
            return False
    return True
