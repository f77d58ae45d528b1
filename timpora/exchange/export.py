"""The current records of a kind, as rows of the exchange format (v1).

Rows are built from the facts with a few joined queries per page, ordered by id so that a
client can page through a kind with a cursor (``after``) and ask only for what changed since a
time (``since``). Importing an export into a fresh instance reproduces the same facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory
from timpora.matching.models import WatchlistEntry
from timpora.registry.choices import FactKind
from timpora.registry.models import (
    BorderCrossing,
    Company,
    Registration,
    Stay,
    StayPermit,
    WorkPermit,
)
from timpora.registry.records import COLUMNS, as_text

PAGE = 2000

# What an agency must see to export a kind: its category, and identities for person kinds.
KIND_CATEGORY: dict[str, DataCategory | None] = {
    FactKind.COMPANY: None,
    FactKind.STAY_PERMIT: DataCategory.DOCUMENTS,
    FactKind.WORK_PERMIT: DataCategory.WORK_PERMITS,
    FactKind.RESIDENCE_REGISTRATION: DataCategory.REGISTRATIONS,
    FactKind.BORDER_CROSSING: DataCategory.CROSSINGS,
    FactKind.RESIDENCE_REPORT: DataCategory.RESIDENCE_REPORTS,
    FactKind.WATCHLIST_ENTRY: DataCategory.INTELLIGENCE,
}


def may_export(user: Any, kind: str) -> bool:
    """Whether ``user`` may read every record of ``kind`` (``None``: the operator's console)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.agency_id:
        return False
    category = KIND_CATEGORY[kind]
    if category is None:
        return True
    if not can_see_records(user, category):
        return False
    return kind == FactKind.WATCHLIST_ENTRY or can_see_records(user, DataCategory.IDENTITY)


_IDENTITY = {
    "full_name": F("person__full_name"),
    "given_names": F("person__given_names"),
    "surname": F("person__surname"),
    "name_original": F("person__name_original"),
    "sex": F("person__sex"),
    "date_of_birth": F("person__date_of_birth"),
    "place_of_birth": F("person__place_of_birth"),
    "nationality": F("person__nationality_id"),
    "passport_number": F("document__number"),
    "passport_issuing_state": F("document__issuing_state_id"),
    "passport_expiry": F("document__expiry"),
}


def _queryset(kind: str) -> QuerySet[Any]:
    """The rows of ``kind`` with every exchange field as an annotation or a field."""
    if kind == FactKind.COMPANY:
        return Company.objects.filter(registered=True).annotate(kecamatan_name=F("kecamatan__name"))
    if kind == FactKind.STAY_PERMIT:
        return StayPermit.objects.annotate(**_IDENTITY, kecamatan_name=F("kecamatan__name"))
    if kind == FactKind.WORK_PERMIT:
        return WorkPermit.objects.annotate(
            **_IDENTITY,
            employer_nib=F("employer__company_id"),
            employer_name=F("employer__name"),
            work_kecamatan_name=F("work_kecamatan__name"),
        )
    if kind == FactKind.RESIDENCE_REGISTRATION:
        return Registration.objects.annotate(**_IDENTITY, kecamatan_name=F("kecamatan__name"))
    if kind == FactKind.BORDER_CROSSING:
        return BorderCrossing.objects.annotate(**_IDENTITY, checkpoint_code=F("checkpoint__code"))
    if kind == FactKind.RESIDENCE_REPORT:
        return Stay.objects.annotate(
            **_IDENTITY,
            reporter_type=F("place__reporter_type"),
            reporter_id=F("place__reporter_id"),
            reporter_name=F("place__reporter_name"),
            place_name=F("place__name"),
            address=F("place__address"),
            kelurahan=F("place__kelurahan"),
            kecamatan_name=F("place__kecamatan__name"),
            city=F("place__city"),
            latitude=F("place__latitude"),
            longitude=F("place__longitude"),
        )
    if kind == FactKind.WATCHLIST_ENTRY:
        return WatchlistEntry.objects.all()
    raise ValueError(f"unknown kind {kind!r}")


# Where an exchange field's value comes from when its name is not a column or annotation.
_RENAMED: dict[str, dict[str, str]] = {
    FactKind.COMPANY: {"kecamatan": "kecamatan_name"},
    FactKind.STAY_PERMIT: {"kecamatan": "kecamatan_name"},
    FactKind.WORK_PERMIT: {
        "employer_id": "employer_nib",
        "work_kecamatan": "work_kecamatan_name",
    },
    FactKind.RESIDENCE_REGISTRATION: {"kecamatan": "kecamatan_name"},
    FactKind.BORDER_CROSSING: {"checkpoint": "checkpoint_code", "crossing_id": "source_key"},
    FactKind.RESIDENCE_REPORT: {"kecamatan": "kecamatan_name", "report_id": "source_key"},
    FactKind.WATCHLIST_ENTRY: {"nationality": "nationalities"},
}


def _row_builder(kind: str) -> tuple[list[str], Callable[[dict[str, Any]], dict[str, str]]]:
    columns = list(COLUMNS[kind])
    renamed = _RENAMED.get(kind, {})
    sources = [(column, renamed.get(column, column)) for column in columns]

    def build(values: dict[str, Any]) -> dict[str, str]:
        return {column: as_text(values.get(source)) for column, source in sources}

    return columns, build


def export_rows(
    kind: str,
    *,
    since: datetime | None = None,
    after: int = 0,
    limit: int | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(id, row)`` of the current records of ``kind`` with id > ``after``, by id."""
    queryset = _queryset(kind)
    if since is not None:
        queryset = queryset.filter(updated_at__gte=since)
    columns, build = _row_builder(kind)
    wanted = {*columns, *_RENAMED.get(kind, {}).values()}
    names = [n for n in wanted if n in _known(queryset)]
    cursor = after
    produced = 0
    while True:
        size = PAGE if limit is None else min(PAGE, limit - produced)
        if size <= 0:
            return
        page = list(queryset.filter(pk__gt=cursor).order_by("pk").values("pk", *names)[:size])
        if not page:
            return
        for values in page:
            yield values["pk"], build(values)
        produced += len(page)
        cursor = page[-1]["pk"]


def _known(queryset: QuerySet[Any]) -> set[str]:
    fields = {f.name for f in queryset.model._meta.concrete_fields}
    fields |= {f.attname for f in queryset.model._meta.concrete_fields}
    return fields | set(queryset.query.annotations)
