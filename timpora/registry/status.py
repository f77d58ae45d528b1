"""Where a person stands at a date: in the country or not, and until when they may stay.

The definitions are those of ``shared/spec/detection-rules.md`` (Terms), for one person. The
detection app evaluates the same definitions set-based over the whole registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from timpora.registry.choices import RESIDENT_TYPES, Direction, PermitStatus
from timpora.registry.models import BorderCrossing, Person, Stay, StayPermit


@dataclass(frozen=True)
class PersonStatus:
    as_of: date
    in_country: bool
    authorised_until: date | None
    last_crossing: BorderCrossing | None

    @property
    def overstaying(self) -> bool:
        return bool(
            self.in_country and self.authorised_until and self.authorised_until < self.as_of
        )

    @property
    def days_over(self) -> int:
        if not self.overstaying or self.authorised_until is None:
            return 0
        return (self.as_of - self.authorised_until).days


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the configured time zone (WIB)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def person_status(person: Person, as_of: date | None = None) -> PersonStatus:
    day = as_of or timezone.localdate()
    before_end = end_of_day(day)
    last = (
        BorderCrossing.objects.filter(person=person, crossed_at__lt=before_end)
        .select_related("checkpoint")
        .order_by("-crossed_at", "-pk")
        .first()
    )
    permits = StayPermit.objects.filter(person=person, valid_from__lte=day).exclude(
        status=PermitStatus.CANCELLED
    )
    candidates = list(permits.values_list("valid_until", flat=True))
    candidates += list(
        BorderCrossing.objects.filter(
            person=person,
            direction=Direction.ARRIVAL,
            crossed_at__lt=before_end,
            authorized_stay_until__isnull=False,
        ).values_list("authorized_stay_until", flat=True)
    )
    authorised_until = max(candidates, default=None)
    if last is not None:
        in_country = last.direction == Direction.ARRIVAL
    else:
        start = end_of_day(day - timedelta(days=1))
        in_country = (
            permits.filter(permit_type__in=RESIDENT_TYPES, valid_until__gte=day).exists()
            or Stay.objects.filter(person=person, check_in__lt=before_end)
            .filter(Q(check_out__isnull=True) | Q(check_out__gte=start))
            .exists()
        )
    return PersonStatus(day, in_country, authorised_until, last)
