"""Evidence: the source records behind an alert, named as the exchange formats name them.

A rule returns :class:`~timpora.detection.rules.base.Ref` (kind and primary key); here they are
resolved in bulk, one query per kind, to the source agency's code and the record's key (what
the export shape carries), with the date and a short label the alert page's timeline shows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import F, Model
from django.utils import timezone

from timpora.detection.rules import base

CHUNK = 5000


@dataclass(frozen=True)
class Source:
    model: str
    fields: tuple[str, ...]
    describe: Callable[[dict[str, Any]], tuple[str, str, Any, str]]  # source, key, at, label


def _local(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


SOURCES: dict[str, Source] = {
    base.CROSSING: Source(
        "registry.BorderCrossing",
        (
            "source_code",
            "source_key",
            "revision",
            "crossed_at",
            "direction",
            "checkpoint__code",
            "permit_type",
            "authorized_stay_until",
        ),
        lambda r: (
            r["source_code"],
            r["source_key"],
            r["crossed_at"],
            " ".join(
                filter(
                    None,
                    [
                        r["direction"],
                        r["checkpoint__code"],
                        r["permit_type"],
                        _until(r["authorized_stay_until"]),
                    ],
                )
            ),
        ),
    ),
    base.STAY_PERMIT: Source(
        "registry.StayPermit",
        (
            "source_code",
            "source_key",
            "revision",
            "permit_type",
            "visa_index",
            "permit_number",
            "status",
            "valid_from",
            "valid_until",
        ),
        lambda r: (
            r["source_code"],
            r["source_key"],
            r["valid_from"],
            f"{r['permit_type']} {r['visa_index']} {r['permit_number']} "
            f"{r['valid_from']:%Y-%m-%d} to {r['valid_until']:%Y-%m-%d} {r['status']}".replace(
                "  ", " "
            ),
        ),
    ),
    base.RESIDENCE_REPORT: Source(
        "registry.Stay",
        (
            "source_code",
            "source_key",
            "revision",
            "check_in",
            "check_out",
            "reported_at",
            "place__name",
            "place__address",
            "place__reporter_type",
            "purpose",
        ),
        lambda r: (
            r["source_code"],
            r["source_key"],
            r["check_in"],
            f"{r['place__name'] or r['place__address']} ({r['place__reporter_type']}) "
            f"{_local(r['check_in'])} → {_local(r['check_out']) or '…'}; "
            f"reported {_local(r['reported_at'])}",
        ),
    ),
    base.WORK_PERMIT: Source(
        "registry.WorkPermit",
        (
            "source_code",
            "source_key",
            "revision",
            "rptka_number",
            "employer__name",
            "position",
            "valid_from",
            "valid_until",
            "dkptka_paid_until",
        ),
        lambda r: (
            r["source_code"],
            r["source_key"],
            r["valid_from"],
            f"RPTKA {r['rptka_number']} {r['employer__name']} ({r['position']}) "
            f"{r['valid_from']:%Y-%m-%d} to {r['valid_until']:%Y-%m-%d}"
            + (f"; DKPTKA {r['dkptka_paid_until']:%Y-%m-%d}" if r["dkptka_paid_until"] else ""),
        ),
    ),
    base.REGISTRATION: Source(
        "registry.Registration",
        (
            "source_code",
            "source_key",
            "revision",
            "registration_type",
            "registration_number",
            "issued_on",
        ),
        lambda r: (
            r["source_code"],
            r["source_key"],
            r["issued_on"],
            f"{r['registration_type']} {r['registration_number']}",
        ),
    ),
    base.WATCHLIST_ENTRY: Source(
        "matching.WatchlistEntry",
        ("source_code", "source_key", "revision", "list", "entry_id", "valid_from"),
        lambda r: (
            r["source_code"],
            r["source_key"],
            r["valid_from"],
            f"{r['list']} {r['entry_id']}",
        ),
    ),
    base.COMPANY: Source(
        "registry.Company",
        ("source_code", "company_id", "revision", "name", "registered"),
        lambda r: (r["source_code"] or "", r["company_id"], None, r["name"]),
    ),
    base.DOCUMENT: Source(
        "registry.TravelDocument",
        ("source_code", "number", "issuing_state_id", "expiry"),
        lambda r: (
            r["source_code"],
            f"{r['issuing_state_id']} {r['number']}",
            None,
            f"{r['issuing_state_id']} {r['number']}",
        ),
    ),
}


def _until(value: date | None) -> str:
    return f"→ {value:%Y-%m-%d}" if value else ""


def resolve(refs: Iterable[base.Ref]) -> dict[base.Ref, dict[str, Any]]:
    """Each reference as ``{kind, source, key, revision, at, label}``, one query per kind."""
    from django.apps import apps

    by_kind: dict[str, set[int]] = defaultdict(set)
    for ref in refs:
        by_kind[ref.kind].add(ref.id)
    resolved: dict[base.Ref, dict[str, Any]] = {}
    for kind, ids in by_kind.items():
        source = SOURCES[kind]
        model: type[Model] = apps.get_model(source.model)
        source_field = "first_source__code" if kind == base.DOCUMENT else "source__code"
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            rows = (
                model._default_manager.filter(pk__in=ordered[start : start + CHUNK])
                .annotate(source_code=F(source_field))
                .values("pk", *source.fields)
            )
            for row in rows:
                agency, key, at, label = source.describe(row)
                resolved[base.Ref(kind, row["pk"])] = {
                    "kind": kind,
                    "source": agency,
                    "key": key,
                    "revision": row.get("revision", 1),
                    "at": _local(at),
                    "label": label,
                }
    return resolved


def fingerprint(items: Iterable[dict[str, Any]]) -> str:
    """The same evidence gives the same fingerprint; a new or revised record changes it."""
    lines = sorted(f"{i['kind']}|{i['source']}|{i['key']}|{i['revision']}" for i in items)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
