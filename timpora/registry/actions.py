"""Writing facts into the registry: persons linked by document, facts upserted with history.

:func:`record_facts` takes typed records of one kind (``registry.records``) from one source
agency and writes them set-based: a handful of queries per thousand records, never one per row.
The same record again changes nothing; a record with the same key and other values becomes a
new revision, its earlier values kept in :class:`FactRevision`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from timpora.accounts.models import Agency, User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.core.bulk import allocate_ids, insert_model_rows, update_rows
from timpora.core.json import jsonable
from timpora.lib.dates import compatible_birth_dates
from timpora.lib.text import fold, names_compatible, search_tokens
from timpora.registry.choices import (
    PLACE_KIND_OF_REPORTER,
    CheckpointKind,
    FactKind,
    PermitStatus,
    ReporterType,
    SponsorType,
)
from timpora.registry.derived import refresh_derived
from timpora.registry.models import (
    BorderCrossing,
    Checkpoint,
    Company,
    FactRevision,
    IdentityConflict,
    Kecamatan,
    Person,
    PersonNameToken,
    Place,
    Registration,
    Stay,
    StayPermit,
    TravelDocument,
    WorkPermit,
)
from timpora.registry.models.facts import PersonFact
from timpora.registry.records import (
    CompanyRecord,
    CrossingRecord,
    Identity,
    Record,
    RegistrationRecord,
    ResidenceReportRecord,
    StayPermitRecord,
    WorkPermitRecord,
)

CHUNK = 500
# Keys per lookup query: few round trips, well under SQLite's 32,766 parameters.
LOOKUP = 5000
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = LOOKUP) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class RecordResult:
    """What one call of :func:`record_facts` did."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    persons_created: int = 0
    conflicts: int = 0
    person_ids: set[int] = field(default_factory=set)
    # The outcome of each record, in the order given: "CREATED", "UPDATED" or "UNCHANGED".
    outcomes: list[str] = field(default_factory=list)
    # The person each record was linked to, in the order given (None for companies, lists).
    record_persons: list[int | None] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "persons_created": self.persons_created,
            "conflicts": self.conflicts,
        }


# --- Persons ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _KnownPerson:
    """What linking needs of a person already in the registry (no model instance: speed)."""

    pk: int
    full_name: str
    given_names: str
    surname: str
    name_original: str
    sex: str
    date_of_birth: str
    place_of_birth: str
    new: bool = False  # created by this call (written at its end)


@dataclass(slots=True)
class _KnownDocument:
    pk: int
    number_key: str
    issuing_state_id: str
    expiry: date | None
    dirty: bool = False


_PERSON_FIELDS = (
    "person_id", "person__full_name", "person__given_names", "person__surname",
    "person__name_original", "person__sex", "person__date_of_birth", "person__place_of_birth",
)  # fmt: skip


@dataclass
class _Holder:
    """A person holding a document, found in the database or created earlier in this batch."""

    person: _KnownPerson
    document: _KnownDocument

    def fits(self, identity: Identity) -> bool:
        if (
            self.person.full_name == identity.full_name
            and self.person.date_of_birth == identity.date_of_birth
        ):
            return True
        return compatible_birth_dates(
            self.person.date_of_birth, identity.date_of_birth
        ) and names_compatible(self.person.full_name, identity.full_name)


_ENRICHABLE = ("given_names", "surname", "name_original", "sex", "date_of_birth", "place_of_birth")


def _link_persons(
    identities: Sequence[Identity],
    keys: Sequence[str],
    *,
    kind: str,
    source: Agency,
    result: RecordResult,
) -> list[_Holder]:
    """Find or create the person and document behind each identity.

    A record joins the person who holds the same normalised passport number and issuing state
    when their identities are compatible (date of birth and name). Otherwise a new person is
    created and marked for the resolver; a same-number pair with different identities stays two
    persons, for an officer to decide.
    """
    wanted = sorted({i.document_key for i in identities})
    holders: dict[tuple[str, str], list[_Holder]] = defaultdict(list)
    numbers = sorted({number for number, _state in wanted})
    for chunk in _chunks(numbers):
        rows = TravelDocument.objects.filter(number_key__in=chunk).values_list(
            "pk", "number_key", "issuing_state_id", "expiry", *_PERSON_FIELDS
        )
        for pk, number_key, state, expiry, *person in rows:
            holders[(number_key, state)].append(
                _Holder(_KnownPerson(*person), _KnownDocument(pk, number_key, state, expiry))
            )

    chosen: list[_Holder] = []
    enriched: dict[int, _KnownPerson] = {}
    new_rows: list[tuple[_Holder, Identity, str]] = []
    conflicts: list[tuple[_Holder, _Holder, list[str], str]] = []
    for identity, key in zip(identities, keys, strict=True):
        candidates = holders[identity.document_key]
        holder = next((h for h in candidates if h.fits(identity)), None)
        known = list(candidates)
        if holder is None:
            number, state = identity.document_key
            holder = _Holder(
                _KnownPerson(
                    0,
                    identity.full_name,
                    identity.given_names,
                    identity.surname,
                    identity.name_original,
                    identity.sex,
                    identity.date_of_birth,
                    identity.place_of_birth,
                    new=True,
                ),
                _KnownDocument(0, number, state, identity.passport_expiry),
            )
            candidates.append(holder)
            new_rows.append((holder, identity, key))
            # The same document with another identity: two persons, and a conflict to review.
            conflicts.extend(
                (other, holder, _differences(other.person, identity), key) for other in known
            )
        elif not holder.person.new:
            # Fill what the person's record did not know yet; never overwrite a known value.
            known_person = holder.person
            for name in _ENRICHABLE:
                if not getattr(known_person, name) and getattr(identity, name):
                    setattr(known_person, name, getattr(identity, name))
                    enriched[known_person.pk] = known_person
            held = holder.document
            if identity.passport_expiry and (
                held.expiry is None or identity.passport_expiry > held.expiry
            ):
                held.expiry = identity.passport_expiry
                held.dirty = True
        chosen.append(holder)

    if new_rows:
        _create_persons(new_rows, kind=kind, source=source)
        result.persons_created += len(new_rows)
    if enriched:
        update_rows(
            Person,
            _ENRICHABLE,
            [[getattr(p, name) for name in _ENRICHABLE] + [p.pk] for p in enriched.values()],
        )
    dirty = {h.document.pk: h.document.expiry for h in chosen if h.document.dirty}
    if dirty:
        update_rows(TravelDocument, ("expiry",), [[expiry, pk] for pk, expiry in dirty.items()])
    index_names([holder.person for holder, _identity, _key in new_rows], new=True)
    index_names(enriched.values())
    if conflicts:
        conflict_rows = [
            IdentityConflict(
                number_key=other.document.number_key,
                issuing_state_id=other.document.issuing_state_id,
                person_id=other.person.pk,
                other_person_id=holder.person.pk,
                reasons=reasons,
                source=source,
                kind=kind,
                source_key=key,
            )
            for other, holder, reasons, key in conflicts
        ]
        IdentityConflict.objects.bulk_create(conflict_rows, batch_size=CHUNK, ignore_conflicts=True)
        result.conflicts += len(conflict_rows)
    return chosen


def _create_persons(
    rows: Sequence[tuple[_Holder, Identity, str]], *, kind: str, source: Agency
) -> None:
    """Write the persons and documents created by linking, with ids reserved for them."""
    for (holder, _identity, _key), pk in zip(rows, allocate_ids(Person, len(rows)), strict=True):
        holder.person.pk = pk
    for (holder, _i, _k), pk in zip(rows, allocate_ids(TravelDocument, len(rows)), strict=True):
        holder.document.pk = pk
    insert_model_rows(
        Person,
        [
            {
                "id": holder.person.pk,
                "full_name": identity.full_name,
                "given_names": identity.given_names,
                "surname": identity.surname,
                "name_original": identity.name_original,
                "sex": identity.sex,
                "date_of_birth": identity.date_of_birth,
                "place_of_birth": identity.place_of_birth,
                "nationality_id": identity.nationality,
                "needs_resolution": True,
                "first_source_id": source.pk,
                "first_source_kind": kind,
                "first_source_key": key,
            }
            for holder, identity, key in rows
        ],
    )
    insert_model_rows(
        TravelDocument,
        [
            {
                "id": holder.document.pk,
                "person_id": holder.person.pk,
                "number": identity.passport_number,
                "number_key": holder.document.number_key,
                "issuing_state_id": holder.document.issuing_state_id,
                "expiry": identity.passport_expiry,
                "first_source_id": source.pk,
            }
            for holder, identity, _key in rows
        ],
    )


def _differences(person: _KnownPerson, identity: Identity) -> list[str]:
    """What tells the known holder of a document apart from the identity just received."""
    reasons = []
    if not compatible_birth_dates(person.date_of_birth, identity.date_of_birth):
        reasons.append(f"date_of_birth: {person.date_of_birth} / {identity.date_of_birth}")
    if not names_compatible(person.full_name, identity.full_name):
        reasons.append(f"full_name: {person.full_name} / {identity.full_name}")
    return reasons


def index_names(persons: Iterable[Person | _KnownPerson], *, new: bool = False) -> None:
    """Add the search tokens of these persons' names (existing tokens are kept).

    ``new``: the persons were just created, so none of their tokens exists yet.
    """
    if new:
        insert_model_rows(
            PersonNameToken,
            [
                {"person_id": person.pk, "token": token}
                for person in persons
                for token in search_tokens([person.full_name, person.name_original])
            ],
        )
        return
    tokens = [
        PersonNameToken(person_id=person.pk, token=token)
        for person in persons
        for token in search_tokens([person.full_name, person.name_original])
    ]
    PersonNameToken.objects.bulk_create(tokens, batch_size=2000, ignore_conflicts=True)


# --- Places, companies, checkpoints ----------------------------------------------------------


class _Lookups:
    """Reference ids needed by one batch, read once."""

    def __init__(self) -> None:
        self.kecamatan = dict(Kecamatan.objects.values_list("name", "pk"))

    def kecamatan_id(self, name: str) -> int | None:
        return self.kecamatan.get(name) if name else None


def _ensure_companies(mentions: dict[str, str]) -> dict[str, int]:
    """Ids of the companies with these NIBs; unknown ones are created as mentioned only."""
    ids: dict[str, int] = {}
    nibs = sorted(mentions)
    for chunk in _chunks(nibs):
        ids.update(Company.objects.filter(company_id__in=chunk).values_list("company_id", "pk"))
    missing = [Company(company_id=nib, name=mentions[nib]) for nib in nibs if nib not in ids]
    if missing:
        Company.objects.bulk_create(missing, batch_size=CHUNK)
        ids.update((c.company_id, c.pk) for c in missing)
    return ids


def _ensure_checkpoints(codes: set[str]) -> dict[str, int]:
    ids = dict(Checkpoint.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = [
        Checkpoint(code=code, name=code, kind=CheckpointKind.OTHER)
        for code in sorted(codes - set(ids))
    ]
    if missing:
        Checkpoint.objects.bulk_create(missing)
        ids.update((c.code, c.pk) for c in missing)
    return ids


def _ensure_places(records: Sequence[ResidenceReportRecord], lookups: _Lookups) -> list[int]:
    """The place of each report, created on first sight and kept up to date with the reports."""
    company_ids = _ensure_companies(
        {r.reporter_id: r.reporter_name for r in records if r.reporter_type == ReporterType.COMPANY}
    )
    wanted: dict[tuple[str, str], ResidenceReportRecord] = {}
    for r in records:
        wanted[(r.reporter_id, fold(r.address))] = r
    existing: dict[tuple[str, str], Place] = {}
    reporter_ids = sorted({reporter for reporter, _ in wanted})
    for chunk in _chunks(reporter_ids):
        for place in Place.objects.filter(reporter_id__in=chunk):
            existing[(place.reporter_id, place.address_key)] = place
    to_create: list[Place] = []
    to_update: list[Place] = []
    for key, r in wanted.items():
        values = {
            "kind": PLACE_KIND_OF_REPORTER[ReporterType(r.reporter_type)],
            "name": r.place_name,
            "reporter_type": r.reporter_type,
            "reporter_name": r.reporter_name,
            "address": r.address,
            "kelurahan": r.kelurahan,
            "kecamatan_id": lookups.kecamatan_id(r.kecamatan),
            "city": r.city,
            "latitude": r.latitude,
            "longitude": r.longitude,
            "company_id": company_ids.get(r.reporter_id),
        }
        found = existing.get(key)
        if found is None:
            place = Place(reporter_id=key[0], address_key=key[1], **values)
            existing[key] = place
            to_create.append(place)
        elif any(getattr(found, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(found, name, value)
            to_update.append(found)
    Place.objects.bulk_create(to_create, batch_size=CHUNK)
    if to_update:
        Place.objects.bulk_update(to_update, list(values), batch_size=CHUNK)
    return [existing[(r.reporter_id, fold(r.address))].pk for r in records]


# --- Upsert with history ---------------------------------------------------------------------


@dataclass
class _Pending:
    pk: int | None
    revision: int
    values: dict[str, Any]
    history: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    changed: bool = False
    # A row that stands in for a record never sent (a company only mentioned as an employer):
    # its first record fills it as a creation, without history.
    placeholder: bool = False


def upsert_with_history(
    model: type[models.Model],
    kind: str,
    items: Sequence[tuple[str, dict[str, Any]]],
    *,
    key_field: str,
    scope: dict[str, Any],
    result: RecordResult,
    placeholder_field: str | None = None,
) -> None:
    """Create, update or leave each ``(key, values)``; keep replaced values as revisions."""
    names = sorted({name for _key, values in items for name in values})
    state: dict[str, _Pending] = {}
    keys = sorted({key for key, _ in items})
    for chunk in _chunks(keys):
        rows = model._default_manager.filter(**scope, **{f"{key_field}__in": chunk}).values(
            "pk", key_field, "revision", *names
        )
        for row in rows:
            values = {name: row[name] for name in names}
            placeholder = placeholder_field is not None and not row[placeholder_field]
            state[row[key_field]] = _Pending(
                row["pk"], row["revision"], values, placeholder=placeholder
            )
    outcomes = result.outcomes
    for key, values in items:
        pending = state.get(key)
        if pending is None:
            state[key] = _Pending(None, 1, dict(values), changed=True)
            result.created += 1
            outcomes.append("CREATED")
        elif pending.placeholder:
            pending.placeholder = False
            pending.values = dict(values)
            pending.changed = True
            result.created += 1
            outcomes.append("CREATED")
        elif pending.values == values:
            result.unchanged += 1
            outcomes.append("UNCHANGED")
        else:
            pending.history.append((pending.revision, pending.values))
            pending.revision += 1
            pending.values = dict(values)
            pending.changed = True
            result.updated += 1
            outcomes.append("UPDATED")
    fixed = {
        (f"{name}_id" if isinstance(value, models.Model) else name): (
            value.pk if isinstance(value, models.Model) else value
        )
        for name, value in scope.items()
    }
    new_keys = [key for key, p in state.items() if p.pk is None]
    created_ids: set[int] = set()
    for key, pk in zip(new_keys, allocate_ids(model, len(new_keys)), strict=True):
        state[key].pk = pk
        created_ids.add(pk)
    insert_model_rows(
        model,
        [
            {**fixed, key_field: key, "id": state[key].pk, "revision": state[key].revision,
             **state[key].values}
            for key in new_keys
        ],
    )  # fmt: skip
    now = timezone.now()
    to_update = [
        model(pk=p.pk, revision=p.revision, updated_at=now, **p.values)
        for p in state.values()
        if p.changed and p.pk is not None and (p.history or p.pk not in created_ids)
    ]
    if to_update:
        model._default_manager.bulk_update(
            to_update, ["revision", "updated_at", *names], batch_size=CHUNK
        )
    FactRevision.objects.bulk_create(
        [
            FactRevision(kind=kind, fact_id=p.pk, revision=revision, values=jsonable(values))
            for p in state.values()
            if p.pk is not None
            for revision, values in p.history
        ],
        batch_size=CHUNK,
    )


# --- Per kind --------------------------------------------------------------------------------


def _stay_permit_values(
    r: StayPermitRecord, lookups: _Lookups, companies: dict[str, int]
) -> dict[str, Any]:
    return {
        "permit_number": r.permit_number,
        "permit_type": r.permit_type,
        "visa_index": r.visa_index,
        "status": r.status,
        "issued_on": r.issued_on,
        "valid_from": r.valid_from,
        "valid_until": r.valid_until,
        "sponsor_type": r.sponsor_type,
        "sponsor_id": r.sponsor_id,
        "sponsor_name": r.sponsor_name,
        "sponsor_company_id": companies.get(r.sponsor_id)
        if r.sponsor_type == SponsorType.COMPANY
        else None,
        "purpose": r.purpose,
        "address": r.address,
        "kelurahan": r.kelurahan,
        "kecamatan_id": lookups.kecamatan_id(r.kecamatan),
        "city": r.city,
        "issuing_office": r.issuing_office,
    }


def _person_fact_values(
    records: Sequence[Record], lookups: _Lookups
) -> tuple[type[PersonFact], list[dict[str, Any]]]:
    kind = records[0].kind
    if kind == FactKind.STAY_PERMIT:
        permits = [r for r in records if isinstance(r, StayPermitRecord)]
        companies = _ensure_companies(
            {
                r.sponsor_id: r.sponsor_name or r.sponsor_id
                for r in permits
                if r.sponsor_type == SponsorType.COMPANY and r.sponsor_id
            }
        )
        return StayPermit, [_stay_permit_values(r, lookups, companies) for r in permits]
    if kind == FactKind.WORK_PERMIT:
        work = [r for r in records if isinstance(r, WorkPermitRecord)]
        employers = _ensure_companies({r.employer_id: r.employer_name for r in work})
        return WorkPermit, [
            {
                "rptka_number": r.rptka_number,
                "employer_id": employers[r.employer_id],
                "position": r.position,
                "work_address": r.work_address,
                "work_kecamatan_id": lookups.kecamatan_id(r.work_kecamatan),
                "valid_from": r.valid_from,
                "valid_until": r.valid_until,
                "status": r.status,
                "dkptka_paid_until": r.dkptka_paid_until,
            }
            for r in work
        ]
    if kind == FactKind.RESIDENCE_REGISTRATION:
        return Registration, [
            {
                "registration_number": r.registration_number,
                "registration_type": r.registration_type,
                "issued_on": r.issued_on,
                "valid_until": r.valid_until,
                "address": r.address,
                "kelurahan": r.kelurahan,
                "kecamatan_id": lookups.kecamatan_id(r.kecamatan),
                "city": r.city,
            }
            for r in records
            if isinstance(r, RegistrationRecord)
        ]
    if kind == FactKind.BORDER_CROSSING:
        crossings = [r for r in records if isinstance(r, CrossingRecord)]
        checkpoints = _ensure_checkpoints({r.checkpoint for r in crossings})
        return BorderCrossing, [
            {
                "direction": r.direction,
                "checkpoint_id": checkpoints[r.checkpoint],
                "crossed_at": r.crossed_at,
                "permit_type": r.permit_type,
                "permit_number": r.permit_number,
                "authorized_stay_until": r.authorized_stay_until,
                "carrier": r.carrier,
                "port_from_or_to": r.port_from_or_to,
            }
            for r in crossings
        ]
    if kind == FactKind.RESIDENCE_REPORT:
        reports = [r for r in records if isinstance(r, ResidenceReportRecord)]
        places = _ensure_places(reports, lookups)
        return Stay, [
            {
                "place_id": place_id,
                "permit_type": r.permit_type,
                "permit_number": r.permit_number,
                "purpose": r.purpose,
                "check_in": r.check_in,
                "check_out": r.check_out,
                "reported_at": r.reported_at,
            }
            for r, place_id in zip(reports, places, strict=True)
        ]
    raise ValueError(f"{kind} records are not facts about a person")


def _record_companies(
    records: Sequence[CompanyRecord], lookups: _Lookups, source: Agency, result: RecordResult
) -> None:
    items = [
        (
            r.company_id,
            {
                "name": r.name,
                "npwp": r.npwp,
                "sector": r.sector,
                "address": r.address,
                "kelurahan": r.kelurahan,
                "kecamatan_id": lookups.kecamatan_id(r.kecamatan),
                "city": r.city,
                "industrial_estate": r.industrial_estate,
                "registered": True,
                "source_id": source.pk,
            },
        )
        for r in records
    ]
    upsert_with_history(
        Company,
        FactKind.COMPANY,
        items,
        key_field="company_id",
        scope={},
        result=result,
        placeholder_field="registered",
    )


@transaction.atomic
def record_facts(
    records: Sequence[Record],
    *,
    source: Agency,
    actor: User | None,
    audited: bool = True,
    derive: bool = True,
) -> RecordResult:
    """Write records of one kind from ``source`` as facts; return what changed.

    Idempotent: the same records again are all counted as unchanged and write nothing but the
    audit event. The derived facts of the persons concerned are brought up to date.
    ``audited=False`` and ``derive=False`` are for the importer, which audits the whole batch
    once and refreshes the derived facts of its persons at its end
    (:func:`timpora.registry.derived.refresh_derived`).
    """
    if not records:
        raise ValueError("no records to write")
    kind = records[0].kind
    if any(r.kind != kind for r in records):
        raise ValueError("records of one kind per call")
    result = RecordResult(kind=str(kind))
    lookups = _Lookups()
    if kind == FactKind.COMPANY:
        _record_companies(
            [r for r in records if isinstance(r, CompanyRecord)], lookups, source, result
        )
    else:
        model, values = _person_fact_values(records, lookups)
        identities = [r.identity for r in records]  # type: ignore[attr-defined]
        holders = _link_persons(
            identities, [r.key for r in records], kind=str(kind), source=source, result=result
        )
        for fact_values, holder in zip(values, holders, strict=True):
            fact_values["person_id"] = holder.person.pk
            fact_values["document_id"] = holder.document.pk
        result.record_persons = [h.person.pk for h in holders]
        result.person_ids = set(result.record_persons)  # type: ignore[arg-type]
        upsert_with_history(
            model,
            str(kind),
            [(r.key, v) for r, v in zip(records, values, strict=True)],
            key_field="source_key",
            scope={"source": source},
            result=result,
        )
        if derive:
            refresh_derived(result.person_ids, kind=str(kind))
    if audited:
        audit(actor=actor, verb=Verb.FACTS_RECORDED, agency=source, changes=result.as_dict())
    return result


# --- Decisions of officers -------------------------------------------------------------------


@transaction.atomic
def amend_stay_permit(
    permit: StayPermit,
    *,
    actor: User,
    values: dict[str, Any],
    reason: str,
    verb: Verb = Verb.PERMIT_CHANGED,
    on: date | None = None,
) -> StayPermit:
    """Change a stay permit by an officer's decision (a TAK): a new revision of the permit.

    The earlier values are kept as a :class:`FactRevision`, as an update from its source would
    keep them, and the holder's derived facts are brought up to date. Values it already has
    change nothing.
    """
    permit = StayPermit.objects.select_for_update().get(pk=permit.pk)
    changed = {name: value for name, value in values.items() if getattr(permit, name) != value}
    if not changed:
        return permit
    FactRevision.objects.create(
        kind=FactKind.STAY_PERMIT,
        fact_id=permit.pk,
        revision=permit.revision,
        values=model_to_values(permit),
    )
    before = {name: getattr(permit, name) for name in changed}
    permit.revision += 1
    for name, value in changed.items():
        setattr(permit, name, value)
    permit.save(update_fields=["revision", *changed, "updated_at"])
    refresh_derived([permit.person_id], kind=FactKind.STAY_PERMIT)
    audit(
        actor=actor,
        verb=verb,
        subject=permit,
        changes={
            **{name: [before[name], value] for name, value in changed.items()},
            "revision": [permit.revision - 1, permit.revision],
            "on": (on or timezone.localdate()).isoformat(),
            "reason": reason,
        },
    )
    return permit


def cancel_stay_permit(
    permit: StayPermit, *, actor: User, cancelled_on: date, reason: str
) -> StayPermit:
    """Cancel a stay permit by an officer's decision (a TAK).

    The permit keeps its validity dates (a cancelled permit authorises nothing, whatever they
    say). A cancelled permit stays as it is.
    """
    return amend_stay_permit(
        permit,
        actor=actor,
        values={"status": PermitStatus.CANCELLED},
        reason=reason,
        verb=Verb.PERMIT_CANCELLED,
        on=cancelled_on,
    )


def model_to_values(fact: models.Model) -> dict[str, Any]:
    """A fact's values as its revisions keep them (what ``upsert_with_history`` writes)."""
    skip = {"id", "code", "created_at", "updated_at", "revision", "source", "source_key"}
    return jsonable(
        {
            f.attname: getattr(fact, f.attname)
            for f in fact._meta.concrete_fields
            if f.name not in skip and f.attname not in skip
        }
    )
