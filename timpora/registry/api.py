"""Persons for API clients: the same scoping and audit as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory
from timpora.audit.choices import Purpose
from timpora.registry import queries
from timpora.registry.choices import Direction
from timpora.registry.queries import PersonSearch

router = Router(tags=["persons"])


class PersonOut(Schema):
    code: str
    full_name: str
    given_names: str
    surname: str
    name_original: str
    sex: str
    date_of_birth: str
    nationality: str = Field(..., alias="nationality_id")
    passport_numbers: list[str] | None = None
    in_country: bool | None = None


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class SearchParams(Schema):
    purpose: Purpose
    name: str = ""
    passport: str = ""
    nationality: str = Field("", max_length=3)
    date_of_birth: str = Field("", max_length=10, pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")
    kecamatan: int | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _person_out(person: Any, *, documents: bool, crossings: bool) -> dict[str, Any]:
    """A person in a list; passports and presence only for agencies that see those records."""
    return {
        "code": str(person.code),
        "full_name": person.full_name,
        "given_names": person.given_names,
        "surname": person.surname,
        "name_original": person.name_original,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth,
        "nationality_id": person.nationality_id,
        "passport_numbers": [d.number for d in person.documents.all()] if documents else None,
        "in_country": person.last_direction == Direction.ARRIVAL if crossings else None,
    }


@router.get("/persons", response=PersonPage, summary="Search persons (audited with its purpose)")
def list_persons(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Persons the caller's agency may see that fit every filter. The read is audited with the
    purpose given and the codes of the persons returned."""
    user = request.user
    search = PersonSearch(
        name=params.name,
        passport=params.passport,
        nationality=params.nationality.upper(),
        date_of_birth=params.date_of_birth,
        kecamatan=params.kecamatan,
    )
    found = queries.search_persons(user, search)
    count = found.count()
    page = list(
        queries.with_list_details(found, user)[params.offset : params.offset + params.limit]
    )
    queries.audit_listing(user, page, params.purpose, search.as_params())
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [
            _person_out(
                p,
                documents=can_see_records(user, DataCategory.DOCUMENTS),
                crossings=can_see_records(user, DataCategory.CROSSINGS),
            )
            for p in page
        ],
    }


class DocumentOut(Schema):
    number: str
    issuing_state: str
    expiry: date | None


class StayPermitOut(Schema):
    code: str
    permit_number: str
    permit_type: str
    visa_index: str
    status: str
    valid_from: date
    valid_until: date
    sponsor_name: str
    source: str
    revision: int


class WorkPermitOut(Schema):
    code: str
    rptka_number: str
    employer_id: str
    employer_name: str
    position: str
    valid_from: date
    valid_until: date
    status: str
    source: str


class RegistrationOut(Schema):
    code: str
    registration_number: str
    registration_type: str
    issued_on: date
    valid_until: date | None
    kecamatan: str | None
    source: str


class CrossingOut(Schema):
    code: str
    direction: str
    checkpoint: str
    crossed_at: datetime
    permit_type: str
    authorized_stay_until: date | None
    source: str


class StayOut(Schema):
    code: str
    place: str
    address: str
    kecamatan: str | None
    reporter_type: str
    check_in: datetime
    check_out: datetime | None
    reported_at: datetime
    source: str


class StatusOut(Schema):
    as_of: date
    in_country: bool | None
    authorised_until: date | None


class PersonDetailOut(PersonOut):
    place_of_birth: str
    status: StatusOut | None
    sections: list[str]
    documents: list[DocumentOut] | None
    stay_permits: list[StayPermitOut] | None
    work_permits: list[WorkPermitOut] | None
    registrations: list[RegistrationOut] | None
    crossings: list[CrossingOut] | None
    stays: list[StayOut] | None


@router.get(
    "/persons/{code}",
    response=PersonDetailOut,
    summary="One person's record (audited with its purpose)",
)
def get_person(request: HttpRequest, code: str, purpose: Purpose) -> dict[str, Any]:
    """The sections of the person's record the caller's agency may see; 404 when it may see
    none of them. The read is audited with its purpose."""
    user: Any = request.user
    person = queries.view_person(user, code, purpose)
    rec = queries.person_record(user, person)
    sections = rec.sections

    def shown(section: str, items: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        return items if section in sections else None

    status = rec.status
    out = _person_out(person, documents=False, crossings=False)
    out["passport_numbers"] = [d.number for d in rec.documents] if "DOCUMENTS" in sections else None
    out["in_country"] = status.in_country if status and "CROSSINGS" in sections else None
    out.update(
        place_of_birth=person.place_of_birth,
        sections=sorted(sections),
        status=None
        if status is None
        else {
            "as_of": status.as_of,
            "in_country": status.in_country if "CROSSINGS" in sections else None,
            "authorised_until": status.authorised_until if "DOCUMENTS" in sections else None,
        },
        documents=shown(
            "DOCUMENTS",
            [
                {"number": d.number, "issuing_state": d.issuing_state_id, "expiry": d.expiry}
                for d in rec.documents
            ],
        ),
        stay_permits=shown(
            "DOCUMENTS",
            [
                {
                    "code": str(p.code),
                    "permit_number": p.permit_number,
                    "permit_type": p.permit_type,
                    "visa_index": p.visa_index,
                    "status": p.status,
                    "valid_from": p.valid_from,
                    "valid_until": p.valid_until,
                    "sponsor_name": p.sponsor_name,
                    "source": p.source.code,
                    "revision": p.revision,
                }
                for p in rec.stay_permits
            ],
        ),
        work_permits=shown(
            "WORK_PERMITS",
            [
                {
                    "code": str(w.code),
                    "rptka_number": w.rptka_number,
                    "employer_id": w.employer.company_id,
                    "employer_name": w.employer.name,
                    "position": w.position,
                    "valid_from": w.valid_from,
                    "valid_until": w.valid_until,
                    "status": w.status,
                    "source": w.source.code,
                }
                for w in rec.work_permits
            ],
        ),
        registrations=shown(
            "REGISTRATIONS",
            [
                {
                    "code": str(r.code),
                    "registration_number": r.registration_number,
                    "registration_type": r.registration_type,
                    "issued_on": r.issued_on,
                    "valid_until": r.valid_until,
                    "kecamatan": r.kecamatan.name if r.kecamatan else None,
                    "source": r.source.code,
                }
                for r in rec.registrations
            ],
        ),
        crossings=shown(
            "CROSSINGS",
            [
                {
                    "code": str(c.code),
                    "direction": c.direction,
                    "checkpoint": c.checkpoint.code,
                    "crossed_at": c.crossed_at,
                    "permit_type": c.permit_type,
                    "authorized_stay_until": c.authorized_stay_until,
                    "source": c.source.code,
                }
                for c in rec.crossings
            ],
        ),
        stays=shown(
            "RESIDENCE_REPORTS",
            [
                {
                    "code": str(s.code),
                    "place": str(s.place),
                    "address": s.place.address,
                    "kecamatan": s.place.kecamatan.name if s.place.kecamatan else None,
                    "reporter_type": s.place.reporter_type,
                    "check_in": s.check_in,
                    "check_out": s.check_out,
                    "reported_at": s.reported_at,
                    "source": s.source.code,
                }
                for s in rec.stays
            ],
        ),
    )
    return out
