"""Reads of the registry. Every read of persons starts from ``visible_to(user)``; every read of a
person's record or a list of persons writes an audit event with its purpose."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timpora.accounts.access import can_count, can_see_records
from timpora.accounts.choices import DataCategory
from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record
from timpora.core.apps import HomeFigure, HomePanel
from timpora.core.querysets import get_visible_or_404
from timpora.lib.text import document_key, name_tokens, prefix_upper_bound
from timpora.registry.choices import (
    RESIDENT_TYPES,
    Direction,
    FactKind,
    PermitStatus,
    WorkPermitStatus,
)
from timpora.registry.models import (
    BorderCrossing,
    FactRevision,
    Person,
    PersonNameToken,
    Registration,
    Stay,
    StayPermit,
    TravelDocument,
    WorkPermit,
)
from timpora.registry.status import PersonStatus, end_of_day, person_status

C = DataCategory


@dataclass(frozen=True)
class PersonSearch:
    """A search for persons; empty fields do not filter."""

    name: str = ""
    passport: str = ""
    nationality: str = ""
    date_of_birth: str = ""
    kecamatan: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.name or self.passport or self.nationality or self.date_of_birth or self.kecamatan
        )

    def as_params(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v}


def _starting_with(field_name: str, prefix: str) -> Q:
    """A prefix filter both databases answer from an index (a range, not LIKE)."""
    return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix_upper_bound(prefix)})


def search_persons(user: Any, search: PersonSearch) -> QuerySet[Person]:
    """Persons the user may see that fit every filter, in name order.

    A name matches in any script and with or without accents: every word typed must start a
    word of the person's names (ZHANG finds 张伟; NGUYEN finds Nguyễn). A filter on a kecamatan
    only looks at the records the user may see (stays, permits, registrations).
    """
    persons = Person.objects.visible_to(user)
    if search.is_empty:
        return persons.none()
    # Each word's tokens narrow the previous word's persons before persons are joined, so both
    # databases start from the rarest intersection; a word typed twice filters once.
    ids = None
    for token in dict.fromkeys(name_tokens(search.name)[:6]):
        tokens = PersonNameToken.objects.filter(_starting_with("token", token))
        if ids is not None:
            tokens = tokens.filter(person_id__in=ids)
        ids = tokens.values("person_id")
    if ids is not None:
        persons = persons.filter(pk__in=ids)
    if search.passport:
        key = document_key(search.passport)
        if key:
            persons = persons.filter(
                pk__in=TravelDocument.objects.filter(_starting_with("number_key", key)).values(
                    "person_id"
                )
            )
    if search.nationality:
        persons = persons.filter(nationality_id=search.nationality)
    if search.date_of_birth:
        persons = persons.filter(_starting_with("date_of_birth", search.date_of_birth))
    if search.kecamatan:
        persons = persons.filter(_in_kecamatan(user, search.kecamatan))
    return persons.order_by("full_name", "date_of_birth", "pk")


def _in_kecamatan(user: Any, kecamatan_id: int) -> Q:
    where = Q(pk__in=[])
    if can_see_records(user, C.RESIDENCE_REPORTS):
        where |= Q(pk__in=Stay.objects.filter(place__kecamatan_id=kecamatan_id).values("person_id"))
    if can_see_records(user, C.DOCUMENTS):
        where |= Q(pk__in=StayPermit.objects.filter(kecamatan_id=kecamatan_id).values("person_id"))
    if can_see_records(user, C.REGISTRATIONS):
        where |= Q(
            pk__in=Registration.objects.filter(kecamatan_id=kecamatan_id).values("person_id")
        )
    return where


def with_list_details(persons: QuerySet[Person], user: Any) -> QuerySet[Person]:
    """What a list of persons shows: nationality, passports, and the last crossing's direction."""
    persons = persons.select_related("nationality")
    if can_see_records(user, C.DOCUMENTS):
        persons = persons.prefetch_related(
            Prefetch("documents", queryset=TravelDocument.objects.order_by("number_key"))
        )
    if can_see_records(user, C.CROSSINGS):
        persons = persons.annotate(
            last_direction=Subquery(
                BorderCrossing.objects.filter(person=OuterRef("pk"))
                .order_by("-crossed_at", "-pk")
                .values("direction")[:1]
            )
        )
    return persons


def audit_search(user: Any, search: PersonSearch, purpose: str, found: int) -> None:
    record(
        actor=user,
        verb=Verb.PERSON_SEARCHED,
        purpose=purpose,
        subject_type="registry.person",
        changes={"query": search.as_params(), "found": found},
    )


def audit_listing(user: Any, persons: list[Person], purpose: str, query: dict[str, Any]) -> None:
    record(
        actor=user,
        verb=Verb.PERSON_LISTED,
        purpose=purpose,
        subject_type="registry.person",
        changes={"query": query, "codes": [str(p.code) for p in persons]},
    )


def view_person(user: Any, code: str, purpose: Purpose | str) -> Person:
    """The person with this code if the user may see them, with the read audited; else 404."""
    person = get_visible_or_404(Person.objects.select_related("nationality"), user, code)
    record(actor=user, verb=Verb.PERSON_VIEWED, subject=person, purpose=purpose)
    return person


# --- The person page -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing in a person's life in the registry."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    source: str = ""
    key: str = ""
    is_date_only: bool = False


@dataclass
class PersonRecord:
    """Everything the user may see about one person, section by section."""

    person: Person
    status: PersonStatus | None
    sections: set[str]
    documents: list[TravelDocument] = field(default_factory=list)
    stay_permits: list[StayPermit] = field(default_factory=list)
    work_permits: list[WorkPermit] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    crossings: list[BorderCrossing] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def current_permit(self) -> StayPermit | None:
        today = self.status.as_of if self.status else timezone.localdate()
        valid = [
            p
            for p in self.stay_permits
            if p.valid_from <= today <= p.valid_until and p.status != PermitStatus.CANCELLED
        ]
        return max(valid, key=lambda p: p.valid_until, default=None)

    @property
    def current_stay(self) -> Stay | None:
        return next((s for s in self.stays if s.check_out is None), None)

    @property
    def current_employer(self) -> Any:
        today = self.status.as_of if self.status else timezone.localdate()
        valid = [w for w in self.work_permits if w.valid_from <= today <= w.valid_until]
        return valid[0].employer if valid else None


def _day(value: date) -> datetime:
    return end_of_day(value) - timedelta(microseconds=1)


def person_record(user: Any, person: Person, as_of: date | None = None) -> PersonRecord:
    """Load the sections of the person's record the user's agency may see."""
    sections = {c for c in C if can_see_records(user, c)}
    show_status = C.CROSSINGS in sections or C.DOCUMENTS in sections
    rec = PersonRecord(
        person=person,
        status=person_status(person, as_of) if show_status else None,
        sections={str(s) for s in sections},
    )
    if C.DOCUMENTS in sections:
        rec.documents = list(person.documents.select_related("issuing_state", "first_source"))
        rec.stay_permits = list(
            StayPermit.objects.filter(person=person).select_related(
                "source", "sponsor_company", "kecamatan"
            )
        )
    if C.WORK_PERMITS in sections:
        rec.work_permits = list(
            WorkPermit.objects.filter(person=person).select_related(
                "source", "employer", "work_kecamatan"
            )
        )
    if C.REGISTRATIONS in sections:
        rec.registrations = list(
            Registration.objects.filter(person=person).select_related("source", "kecamatan")
        )
    if C.CROSSINGS in sections:
        rec.crossings = list(
            BorderCrossing.objects.filter(person=person).select_related("source", "checkpoint")
        )
    if C.RESIDENCE_REPORTS in sections:
        rec.stays = list(
            Stay.objects.filter(person=person).select_related("source", "place", "place__kecamatan")
        )
    rec.timeline = _timeline(rec)
    return rec


def _timeline(rec: PersonRecord) -> list[TimelineEntry]:
    entries = [
        *(_crossing_entry(c) for c in rec.crossings),
        *_stays_entries(rec.stays),
        *_permit_entries(rec.stay_permits),
        *(
            TimelineEntry(
                _day(w.valid_from),
                "work-permit",
                _("Work permit starts"),
                f"{w.position} · {w.employer}",
                w.source.code,
                w.source_key,
                is_date_only=True,
            )
            for w in rec.work_permits
        ),
        *(
            TimelineEntry(
                _day(r.issued_on),
                "registration",
                _("Registered"),
                f"{r.get_registration_type_display()} {r.registration_number}",
                r.source.code,
                r.source_key,
                is_date_only=True,
            )
            for r in rec.registrations
        ),
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def _crossing_entry(c: BorderCrossing) -> TimelineEntry:
    arrival = c.direction == Direction.ARRIVAL
    parts = [c.checkpoint.name]
    if arrival and c.permit_type:
        parts.append(c.get_permit_type_display())
    if arrival and c.authorized_stay_until:
        parts.append(
            _("stay granted until %(date)s") % {"date": date_format(c.authorized_stay_until)}
        )
    return TimelineEntry(
        c.crossed_at,
        "arrival" if arrival else "departure",
        _("Arrived") if arrival else _("Departed"),
        " · ".join(parts),
        c.source.code,
        c.source_key,
    )


def _stays_entries(stays: list[Stay]) -> list[TimelineEntry]:
    """Check-in and check-out of each stay; a check-out sent later as an update says so."""
    revisions = _revisions(FactKind.RESIDENCE_REPORT, [s.pk for s in stays if s.revision > 1])
    entries = []
    for s in stays:
        place = str(s.place) + (f", {s.place.kecamatan}" if s.place.kecamatan else "")
        entries.append(
            TimelineEntry(
                s.check_in, "check-in", _("Checked in"), place, s.source.code, s.source_key
            )
        )
        if s.check_out:
            detail = place
            if any(not v.get("check_out") for v in revisions.get(s.pk, [])):
                detail += " · " + _("check-out reported later, as an update of the report")
            entries.append(
                TimelineEntry(
                    s.check_out, "check-out", _("Checked out"), detail, s.source.code, s.source_key
                )
            )
    return entries


def _permit_entries(permits: list[StayPermit]) -> list[TimelineEntry]:
    """Issue of each permit with its first validity, then each change of its end date."""
    revisions = _revisions(FactKind.STAY_PERMIT, [p.pk for p in permits])
    entries: list[TimelineEntry] = []
    for p in permits:
        label = f"{p.get_permit_type_display()} {p.permit_number}"
        ends = [date.fromisoformat(v["valid_until"]) for v in revisions.get(p.pk, [])] + [
            p.valid_until
        ]
        entries.append(
            TimelineEntry(
                _day(p.issued_on or p.valid_from),
                "permit",
                _("Stay permit issued"),
                label
                + " · "
                + _("valid %(start)s to %(end)s")
                % {"start": date_format(p.valid_from), "end": date_format(ends[0])},
                p.source.code,
                p.source_key,
                is_date_only=True,
            )
        )
        for before, after in itertools.pairwise(ends):
            if after != before:
                entries.append(
                    TimelineEntry(
                        _day(before),
                        "permit-change",
                        _("Stay permit extended") if after > before else _("Stay permit shortened"),
                        label
                        + " · "
                        + _("valid until %(date)s (was %(before)s)")
                        % {"date": date_format(after), "before": date_format(before)},
                        p.source.code,
                        p.source_key,
                        is_date_only=True,
                    )
                )
    return entries


def _revisions(kind: str, fact_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Earlier values of the facts, oldest first."""
    found: dict[int, list[dict[str, Any]]] = {}
    if not fact_ids:
        return found
    for rev in FactRevision.objects.filter(kind=kind, fact_id__in=fact_ids).order_by("revision"):
        values = rev.values if isinstance(rev.values, dict) else json.loads(rev.values)
        found.setdefault(rev.fact_id, []).append(values)
    return found


# --- Figures ---------------------------------------------------------------------------------


def in_country_count(as_of: date) -> int:
    """Persons whose last crossing up to ``as_of`` is an arrival (people without crossings,
    counted by the detection rules, are left out of this quick figure)."""
    last = Subquery(
        BorderCrossing.objects.filter(person=OuterRef("pk"), crossed_at__lt=end_of_day(as_of))
        .order_by("-crossed_at", "-pk")
        .values("direction")[:1]
    )
    return (
        Person.objects.annotate(last_direction=last)
        .filter(last_direction=Direction.ARRIVAL)
        .count()
    )


def home_panels(user: Any) -> list[HomePanel]:
    """The figures the user's agency may see at count level or better."""
    today = timezone.localdate()
    figures: list[HomeFigure] = []
    if can_count(user, C.IDENTITY):
        figures.append(HomeFigure(_("Foreign nationals in the registry"), Person.objects.count()))
    if can_count(user, C.CROSSINGS):
        figures.append(
            HomeFigure(
                _("In the country today"),
                in_country_count(today),
                _("last crossing is an arrival"),
            )
        )
    if can_count(user, C.DOCUMENTS):
        valid = StayPermit.objects.filter(valid_from__lte=today, valid_until__gte=today).exclude(
            status=PermitStatus.CANCELLED
        )
        figures.append(
            HomeFigure(
                _("Valid ITAS and ITAP"), valid.filter(permit_type__in=RESIDENT_TYPES).count()
            )
        )
    if can_count(user, C.WORK_PERMITS):
        figures.append(
            HomeFigure(
                _("Valid work permits (RPTKA)"),
                WorkPermit.objects.filter(valid_from__lte=today, valid_until__gte=today)
                .exclude(status=WorkPermitStatus.CANCELLED)
                .count(),
            )
        )
    if can_count(user, C.REGISTRATIONS):
        figures.append(HomeFigure(_("SKTT and KTP-el registrations"), Registration.objects.count()))
    panels = [HomePanel(str(gettext_lazy("Registry")), figures, order=10)] if figures else []
    if can_count(user, C.RESIDENCE_REPORTS):
        since = end_of_day(today - timedelta(days=1))
        rows = (
            Stay.objects.filter(Q(check_out__isnull=True) | Q(check_out__gte=since))
            .filter(check_in__lt=end_of_day(today))
            .values("place__kecamatan__name")
            .annotate(n=Count("person", distinct=True))
            .order_by("-n")
        )
        panels.append(
            HomePanel(
                _("Foreigners staying today, by kecamatan"),
                [
                    HomeFigure(row["place__kecamatan__name"] or _("Outside Batam"), row["n"])
                    for row in rows
                ],
                order=20,
            )
        )
    return panels
