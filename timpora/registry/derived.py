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
from dataclasses import dataclass
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
        notes["d_permit"] = _first(permits, "pk")  # its end: read with the details below
        notes["d_arrival_until"] = _first(
            crossings.filter(
                direction=Direction.ARRIVAL, authorized_stay_until__isnull=False
            ).order_by("-authorized_stay_until"),
            "authorized_stay_until",
        )
    if "current_address" in wanted:
        # One subquery per source gives the latest record's id; its details are read in bulk.
        notes["d_stay"] = _first(
            Stay.objects.filter(person=person, check_in__lt=end).order_by("-check_in", "-pk"),
            "pk",
        )
        notes["d_reg"] = _first(
            Registration.objects.filter(person=person, issued_on__lte=today).order_by(
                "-issued_on", "-pk"
            ),
            "pk",
        )
        notes["d_permit_address"] = _first(permits.exclude(address=""), "pk")
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


@dataclass
class _Details:
    """Details of the latest records that the subqueries named, read in bulk per chunk."""

    stays: dict[int, list[Any]]  # check-in, the place's address, its kecamatan
    registrations: dict[int, list[Any]]  # issued on, address, kecamatan
    permits: dict[int, list[Any]]  # valid until, declared address, kecamatan

    @classmethod
    def read(cls, rows: list[dict[str, Any]]) -> _Details:
        def wanted(name: str) -> list[int]:
            return [row[name] for row in rows if row.get(name)]

        permit_ids = wanted("d_permit") + wanted("d_permit_address")
        return cls(
            stays={
                pk: rest
                for pk, *rest in Stay.objects.filter(pk__in=wanted("d_stay")).values_list(
                    "pk", "check_in", "place__address", "place__kecamatan_id"
                )
            },
            registrations={
                pk: rest
                for pk, *rest in Registration.objects.filter(pk__in=wanted("d_reg")).values_list(
                    "pk", "issued_on", "address", "kecamatan_id"
                )
            },
            permits={
                pk: rest
                for pk, *rest in StayPermit.objects.filter(pk__in=permit_ids).values_list(
                    "pk", "valid_until", "address", "kecamatan_id"
                )
            },
        )


def _derive(row: dict[str, Any], fields: tuple[str, ...], details: _Details) -> dict[str, Any]:
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
        permit = details.permits.get(row["d_permit"]) if row["d_permit"] else None
        candidates = [d for d in (permit[0] if permit else None, row["d_arrival_until"]) if d]
        values["authorised_until"] = max(candidates, default=None)
        values["current_permit_id"] = row["d_permit"]
    if "current_address" in fields:
        stay = details.stays.get(row["d_stay"]) if row["d_stay"] else None
        registration = details.registrations.get(row["d_reg"]) if row["d_reg"] else None
        stay_on = timezone.localdate(stay[0]) if stay else None
        reg_on = registration[0] if registration else None
        if stay and stay_on and (reg_on is None or stay_on >= reg_on):
            address, kecamatan = stay[1], stay[2]
        elif registration:
            address, kecamatan = registration[1], registration[2]
        else:
            declared = row["d_permit_address"] and details.permits.get(row["d_permit_address"])
            address, kecamatan = (declared[1], declared[2]) if declared else ("", None)
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
        rows = list(
            Person.objects.filter(pk__in=chunk).annotate(**notes).values("pk", *fields, *notes)
        )
        details = _Details.read(rows)
        updates = []
        for row in rows:
            values = _derive(row, fields, details)
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
