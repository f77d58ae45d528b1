"""The facts derived per person, kept current after every import batch.

In the country or not, authorised to stay until, the current stay permit, the current address
and the current employer are stored on :class:`~timpora.registry.models.Person`, so that lists,
rules and dashboards read them instead of recomputing them. :func:`refresh_derived` recomputes
them set-based for the persons a batch touched: one query per few thousand persons, with only
the parts the batch's kind can change, and writes only the persons whose values changed.

The definitions are those of :mod:`timpora.registry.status` (``detection-rules.md``, Terms).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from timpora.registry.choices import (
    RESIDENT_TYPES,
    Direction,
    FactKind,
    PermitStatus,
    WorkPermitStatus,
)
from timpora.registry.models import (
    BorderCrossing,
    Person,
    Registration,
    Stay,
    StayPermit,
    WorkPermit,
)
from timpora.registry.status import end_of_day

CHUNK = 2000

# Which derived fields a kind of record can change.
_PRESENCE = ("in_country",)
_AUTHORISED = ("authorised_until", "current_permit_id")
_ADDRESS = ("current_address", "current_kecamatan_id")
_EMPLOYER = ("current_employer_id",)
FIELDS_OF_KIND: dict[str, tuple[str, ...]] = {
    FactKind.BORDER_CROSSING: (*_PRESENCE, *_AUTHORISED),
    FactKind.STAY_PERMIT: (*_PRESENCE, *_AUTHORISED, *_ADDRESS),
    FactKind.RESIDENCE_REPORT: (*_PRESENCE, *_ADDRESS),
    FactKind.RESIDENCE_REGISTRATION: _ADDRESS,
    FactKind.WORK_PERMIT: _EMPLOYER,
}
ALL_FIELDS = (*_PRESENCE, *_AUTHORISED, *_ADDRESS, *_EMPLOYER)


def _first(queryset: Any, field: str) -> Subquery:
    return Subquery(queryset.values(field)[:1])


def _annotations(fields: Iterable[str], today: date, end: datetime) -> dict[str, Any]:
    """The correlated subqueries that compute ``fields`` for each person."""
    wanted = set(fields)
    person = OuterRef("pk")
    notes: dict[str, Any] = {}
    crossings = BorderCrossing.objects.filter(person=person, crossed_at__lt=end)
    permits = (
        StayPermit.objects.filter(person=person, valid_from__lte=today)
        .exclude(status=PermitStatus.CANCELLED)
        .order_by("-valid_until", "-pk")
    )
    if "in_country" in wanted:
        start = end - timedelta(days=1)
        notes["d_last_direction"] = _first(crossings.order_by("-crossed_at", "-pk"), "direction")
        notes["d_resident"] = _first(
            permits.filter(permit_type__in=RESIDENT_TYPES, valid_until__gte=today), "pk"
        )
        notes["d_open_stay"] = _first(
            Stay.objects.filter(person=person, check_in__lt=end).filter(
                Q(check_out__isnull=True) | Q(check_out__gte=start)
            ),
            "pk",
        )
    if "authorised_until" in wanted:
        notes["d_permit"] = _first(permits, "pk")
        notes["d_permit_until"] = _first(permits, "valid_until")
        notes["d_arrival_until"] = _first(
            crossings.filter(
                direction=Direction.ARRIVAL, authorized_stay_until__isnull=False
            ).order_by("-authorized_stay_until"),
            "authorized_stay_until",
        )
    if "current_address" in wanted:
        stays = Stay.objects.filter(person=person, check_in__lt=end).order_by("-check_in", "-pk")
        notes["d_stay_at"] = _first(stays, "check_in")
        notes["d_stay_address"] = _first(stays, "place__address")
        notes["d_stay_kecamatan"] = _first(stays, "place__kecamatan_id")
        registrations = Registration.objects.filter(person=person, issued_on__lte=today).order_by(
            "-issued_on", "-pk"
        )
        notes["d_reg_on"] = _first(registrations, "issued_on")
        notes["d_reg_address"] = _first(registrations, "address")
        notes["d_reg_kecamatan"] = _first(registrations, "kecamatan_id")
        notes["d_permit_address"] = _first(permits.exclude(address=""), "address")
        notes["d_permit_kecamatan"] = _first(permits.exclude(address=""), "kecamatan_id")
    if "current_employer_id" in wanted:
        notes["d_employer"] = _first(
            WorkPermit.objects.filter(
                person=person,
                status__in=[WorkPermitStatus.ACTIVE, WorkPermitStatus.EXTENDED],
                valid_from__lte=today,
                valid_until__gte=today,
            ).order_by("-valid_until", "-pk"),
            "employer_id",
        )
    return notes


def _derive(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "in_country" in fields:
        direction = row["d_last_direction"]
        if direction:
            values["in_country"] = direction == Direction.ARRIVAL
        elif row["d_resident"] or row["d_open_stay"]:
            values["in_country"] = True
        else:
            values["in_country"] = None
    if "authorised_until" in fields:
        candidates = [d for d in (row["d_permit_until"], row["d_arrival_until"]) if d]
        values["authorised_until"] = max(candidates, default=None)
        values["current_permit_id"] = row["d_permit"]
    if "current_address" in fields:
        stay_on = timezone.localdate(row["d_stay_at"]) if row["d_stay_at"] else None
        reg_on = row["d_reg_on"]
        if stay_on and (reg_on is None or stay_on >= reg_on):
            address, kecamatan = row["d_stay_address"], row["d_stay_kecamatan"]
        elif reg_on:
            address, kecamatan = row["d_reg_address"], row["d_reg_kecamatan"]
        else:
            address, kecamatan = row["d_permit_address"] or "", row["d_permit_kecamatan"]
        values["current_address"] = address or ""
        values["current_kecamatan_id"] = kecamatan
    if "current_employer_id" in fields:
        values["current_employer_id"] = row["d_employer"]
    return values


def refresh_derived(
    person_ids: Iterable[int], *, kind: str | None = None, today: date | None = None
) -> int:
    """Recompute the derived facts of these persons; return how many persons changed.

    ``kind`` limits the work to the fields that records of that kind can change.
    """
    day = today or timezone.localdate()
    end = end_of_day(day)
    fields = FIELDS_OF_KIND.get(kind, ()) if kind else ALL_FIELDS
    if not fields:
        return 0
    ids = sorted(set(person_ids))
    notes = _annotations(fields, day, end)
    table = connection.ops.quote_name(Person._meta.db_table)
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = Person.objects.filter(pk__in=chunk).annotate(**notes).values("pk", *fields, *notes)
        updates = []
        for row in rows:
            values = _derive(row, fields)
            if any(row[name] != value for name, value in values.items()):
                updates.append([*values.values(), day, row["pk"]])
        if updates:
            assignments = ", ".join(
                f"{connection.ops.quote_name(name)} = %s" for name in (*fields, "derived_on")
            )
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", updates)  # noqa: S608
            changed += len(updates)
    return changed
