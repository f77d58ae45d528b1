"""Typed records of the exchange formats (v1), parsed from one row of text values.

This is where a row's values are checked against the contract (required fields, codes, partial
dates, offsets, ICAO country codes) and turned into typed records that
:func:`timpora.registry.actions.record_facts` writes as facts. Reading files, encodings and
column mapping are the exchange app's job; this module sees one ``{field: text}`` row at a time
and names every field that is wrong, with the value and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from timpora.lib.dates import PartialDate
from timpora.lib.text import document_key
from timpora.registry.choices import (
    Direction,
    FactKind,
    PermitStatus,
    PermitType,
    Purpose,
    RegistrationType,
    ReporterType,
    Sex,
    SponsorType,
    WatchList,
    WorkPermitStatus,
)
from timpora.registry.codes import normalise_country

WIB = ZoneInfo("Asia/Jakarta")
_VISA_INDEX = re.compile(r"^[A-Z][0-9]{1,2}[A-Z]?$")
_CHECKPOINT = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
MAX_TEXT = 300
# Stands in for a required value that was missing; the row is rejected before it is used.
_MISSING = datetime.min.replace(tzinfo=WIB)
# Spreadsheets saved as CSV often write a date as Excel's day serial (45352 = 2024-03-01).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"^[1-9][0-9]{4}$")


def excel_serial_date(value: str) -> date | None:
    """The date of an Excel day serial between 1927 and 2173 (five digits), else None."""
    if not _EXCEL_SERIAL.match(value):
        return None
    return _EXCEL_EPOCH + timedelta(days=int(value))


@dataclass(frozen=True)
class FieldError:
    """One reason a row was rejected: the field, the value received and what was expected."""

    field: str
    value: str
    expected: str


class RowError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.expected}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Reference:
    """The codes a row is checked against, read once per batch from the reference tables."""

    countries: frozenset[str]
    kecamatan: Mapping[str, str]  # folded name → canonical name
    batam_city_names: frozenset[str] = frozenset({"BATAM", "KOTA BATAM"})


_CHOICE_VALUES: dict[type[Any], frozenset[str]] = {}


class _Row:
    """Reads typed values out of one row, collecting every error instead of stopping at one."""

    def __init__(self, values: Mapping[str, Any], reference: Reference) -> None:
        self.values = values
        self.reference = reference
        self.errors: list[FieldError] = []

    def raw(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        return str(value).strip()

    def _fail(self, name: str, value: str, expected: str) -> None:
        self.errors.append(FieldError(name, value[:200], expected))

    def text(self, name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
        value = self.raw(name)
        if required and not value:
            self._fail(name, value, _("a value (this field is required)"))
        elif len(value) > max_length:
            self._fail(name, value, _("at most %(n)s characters") % {"n": max_length})
            return value[:max_length]
        return value

    def code(self, name: str, choices: type[Any], *, required: bool = False) -> str:
        value = self.raw(name).upper()
        if not value:
            if required:
                self._fail(name, value, _("a value (this field is required)"))
            return ""
        allowed = _CHOICE_VALUES.get(choices)
        if allowed is None:
            allowed = _CHOICE_VALUES[choices] = frozenset(choices.values)
        if value not in allowed:
            self._fail(name, value, _("one of %(values)s") % {"values": ", ".join(choices.values)})
            return ""
        return value

    def pattern(self, name: str, regex: re.Pattern[str], expected: str) -> str:
        value = self.raw(name).upper()
        if value and not regex.match(value):
            self._fail(name, value, expected)
            return ""
        return value

    def checkpoint(self, name: str) -> str:
        value = self.text(name, required=True, max_length=16).upper()
        if value and not _CHECKPOINT.match(value):
            self._fail(name, value, _("a checkpoint code such as BTM-BC"))
            return ""
        return value

    def country(self, name: str, *, required: bool = False) -> str:
        value = self.raw(name)
        if not value:
            if required:
                self._fail(name, value, _("a value (this field is required)"))
            return ""
        code = normalise_country(value)
        if code not in self.reference.countries:
            self._fail(name, value, _("an ISO 3166-1 alpha-3 or ICAO country code, e.g. SGP"))
            return ""
        return code

    def date(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw(name)
        if not value:
            if required:
                self._fail(name, value, _("a value (this field is required)"))
            return None
        serial = excel_serial_date(value)
        if serial is not None:
            return serial
        if len(value) == 19 and value.endswith("T00:00:00"):
            value = value[:10]  # a spreadsheet's date cell read as midnight of that day
        try:
            if len(value) != 10:  # fromisoformat also takes 20260301, which is not the contract
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self._fail(name, value, _("a date YYYY-MM-DD"))
            return None

    def partial_date(self, name: str) -> str:
        value = self.raw(name)
        if not value:
            return ""
        serial = excel_serial_date(value)
        if serial is not None:
            return serial.isoformat()
        try:
            return str(PartialDate.parse(value))
        except ValueError:
            self._fail(name, value, _("a date YYYY, YYYY-MM or YYYY-MM-DD"))
            return ""

    def datetime(self, name: str, *, required: bool = False) -> datetime | None:
        value = self.raw(name)
        if not value:
            if required:
                self._fail(name, value, _("a value (this field is required)"))
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self._fail(name, value, _("a date-time YYYY-MM-DDTHH:MM[:SS][+07:00]"))
            return None
        if len(value) < 16:  # a bare date is not a time
            self._fail(name, value, _("a date-time YYYY-MM-DDTHH:MM[:SS][+07:00]"))
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)

    def coordinate(self, name: str, limit: int) -> float | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or abs(number) > limit:
            self._fail(name, value, _("a decimal number between -%(n)s and %(n)s") % {"n": limit})
            return None
        return float(number)

    def kecamatan(self, name: str, city: str, *, required: bool = False) -> str:
        value = self.raw(name)
        if not value:
            if required:
                self._fail(name, value, _("a value (this field is required)"))
            return ""
        canonical = self.reference.kecamatan.get(" ".join(value.upper().split()))
        if canonical:
            return canonical
        if city.upper() in self.reference.batam_city_names:
            known = ", ".join(sorted(set(self.reference.kecamatan.values())))
            self._fail(name, value, _("a kecamatan of Batam: %(names)s") % {"names": known})
        return ""

    def identity(self, *, passport_required: bool = True) -> Identity:
        nationality = self.country("nationality", required=True)
        passport = self.text("passport_number", required=passport_required, max_length=32)
        if passport and not document_key(passport):
            self._fail("passport_number", passport, _("letters and digits"))
        issuing = self.country("passport_issuing_state") or nationality
        return Identity(
            full_name=" ".join(self.text("full_name", required=True, max_length=200).split()),
            given_names=self.text("given_names", max_length=200),
            surname=self.text("surname", max_length=200),
            name_original=self.text("name_original", max_length=200),
            sex=self.code("sex", Sex),
            date_of_birth=self.partial_date("date_of_birth"),
            place_of_birth=self.text("place_of_birth", max_length=200),
            nationality=nationality,
            passport_number=passport,
            passport_issuing_state=issuing,
            passport_expiry=self.date("passport_expiry"),
        )

    def items(self, name: str, *, max_items: int = 50, max_length: int = 200) -> tuple[str, ...]:
        """A ``;``-separated list (aliases, passport numbers), each item stripped."""
        value = self.raw(name)
        items = tuple(item.strip() for item in value.split(";") if item.strip())
        if len(items) > max_items:
            self._fail(name, value, _("at most %(n)s items separated by ;") % {"n": max_items})
            return items[:max_items]
        for item in items:
            if len(item) > max_length:
                self._fail(name, item, _("items of at most %(n)s characters") % {"n": max_length})
        return items

    def finish(self) -> None:
        if self.errors:
            raise RowError(self.errors)


@dataclass(frozen=True)
class Identity:
    """The identity block that every kind naming a person carries."""

    full_name: str
    nationality: str
    given_names: str = ""
    surname: str = ""
    name_original: str = ""
    sex: str = ""
    date_of_birth: str = ""
    place_of_birth: str = ""
    passport_number: str = ""
    passport_issuing_state: str = ""
    passport_expiry: date | None = None

    @property
    def document_key(self) -> tuple[str, str]:
        return document_key(self.passport_number), self.passport_issuing_state or self.nationality


@dataclass(frozen=True)
class Record:
    """A typed record of one kind; ``key`` is its identity within its source agency."""

    kind: ClassVar[FactKind]
    key: str

    def as_row(self) -> dict[str, str]:
        """The record back as exchange-format text values (for exports and round trips)."""
        row: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "key":
                continue
            if isinstance(value, Identity):
                row.update({k: as_text(v) for k, v in vars(value).items()})
            else:
                row[item.name] = as_text(value)
        return row


def as_text(value: Any) -> str:
    """A value as the exchange formats write it: dates ISO 8601, times with their offset in
    local time (WIB), lists ``;``-separated, booleans ``true``/``false``, unknown as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class CompanyRecord(Record):
    kind = FactKind.COMPANY
    company_id: str
    name: str
    npwp: str = ""
    sector: str = ""
    address: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    city: str = ""
    industrial_estate: str = ""


@dataclass(frozen=True)
class StayPermitRecord(Record):
    kind = FactKind.STAY_PERMIT
    identity: Identity
    permit_number: str
    permit_type: str
    status: str
    valid_from: date
    valid_until: date
    visa_index: str = ""
    issued_on: date | None = None
    sponsor_type: str = ""
    sponsor_id: str = ""
    sponsor_name: str = ""
    purpose: str = ""
    address: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    city: str = ""
    issuing_office: str = ""


@dataclass(frozen=True)
class WorkPermitRecord(Record):
    kind = FactKind.WORK_PERMIT
    identity: Identity
    rptka_number: str
    employer_id: str
    employer_name: str
    position: str
    valid_from: date
    valid_until: date
    status: str
    work_address: str = ""
    work_kecamatan: str = ""
    dkptka_paid_until: date | None = None


@dataclass(frozen=True)
class RegistrationRecord(Record):
    kind = FactKind.RESIDENCE_REGISTRATION
    identity: Identity
    registration_number: str
    registration_type: str
    issued_on: date
    address: str
    city: str
    valid_until: date | None = None
    kelurahan: str = ""
    kecamatan: str = ""


@dataclass(frozen=True)
class CrossingRecord(Record):
    kind = FactKind.BORDER_CROSSING
    identity: Identity
    crossing_id: str
    direction: str
    checkpoint: str
    crossed_at: datetime
    permit_type: str = ""
    permit_number: str = ""
    authorized_stay_until: date | None = None
    carrier: str = ""
    port_from_or_to: str = ""


@dataclass(frozen=True)
class ResidenceReportRecord(Record):
    kind = FactKind.RESIDENCE_REPORT
    identity: Identity
    report_id: str
    reporter_type: str
    reporter_id: str
    reporter_name: str
    address: str
    city: str
    check_in: datetime
    reported_at: datetime
    place_name: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    latitude: float | None = None
    longitude: float | None = None
    permit_type: str = ""
    permit_number: str = ""
    purpose: str = ""
    check_out: datetime | None = None


@dataclass(frozen=True)
class WatchlistEntryRecord(Record):
    kind = FactKind.WATCHLIST_ENTRY
    list: str
    entry_id: str
    full_name: str
    reason: str
    action_on_hit: str
    owning_agency: str
    valid_from: date
    aliases: tuple[str, ...] = ()
    name_original: str = ""
    sex: str = ""
    date_of_birth: str = ""
    nationality: tuple[str, ...] = ()
    passport_numbers: tuple[str, ...] = ()
    legal_basis: str = ""
    valid_until: date | None = None


def _company(r: _Row) -> CompanyRecord:
    company_id = r.text("company_id", required=True, max_length=32)
    city = r.text("city", max_length=100)
    return CompanyRecord(
        key=company_id,
        company_id=company_id,
        name=r.text("name", required=True, max_length=200),
        npwp=r.text("npwp", max_length=32),
        sector=r.text("sector", max_length=100),
        address=r.text("address"),
        kelurahan=r.text("kelurahan", max_length=100),
        kecamatan=r.kecamatan("kecamatan", city),
        city=city,
        industrial_estate=r.text("industrial_estate", max_length=100),
    )


def _stay_permit(r: _Row) -> StayPermitRecord:
    number = r.text("permit_number", required=True, max_length=64)
    city = r.text("city", max_length=100)
    valid_from = r.date("valid_from", required=True)
    valid_until = r.date("valid_until", required=True)
    if valid_from and valid_until and valid_until < valid_from:
        r._fail("valid_until", str(valid_until), _("a date on or after valid_from"))
    return StayPermitRecord(
        key=number,
        identity=r.identity(),
        permit_number=number,
        permit_type=r.code("permit_type", PermitType, required=True),
        visa_index=r.pattern("visa_index", _VISA_INDEX, _("a visa index such as C1, E23 or E28A")),
        status=r.code("status", PermitStatus, required=True),
        issued_on=r.date("issued_on"),
        valid_from=valid_from or date.min,
        valid_until=valid_until or date.min,
        sponsor_type=r.code("sponsor_type", SponsorType),
        sponsor_id=r.text("sponsor_id", max_length=32),
        sponsor_name=r.text("sponsor_name", max_length=200),
        purpose=r.code("purpose", Purpose),
        address=r.text("address"),
        kelurahan=r.text("kelurahan", max_length=100),
        kecamatan=r.kecamatan("kecamatan", city),
        city=city,
        issuing_office=r.text("issuing_office", max_length=100),
    )


def _work_permit(r: _Row) -> WorkPermitRecord:
    identity = r.identity()
    rptka = r.text("rptka_number", required=True, max_length=64)
    valid_from = r.date("valid_from", required=True)
    valid_until = r.date("valid_until", required=True)
    if valid_from and valid_until and valid_until < valid_from:
        r._fail("valid_until", str(valid_until), _("a date on or after valid_from"))
    return WorkPermitRecord(
        key=f"{rptka}|{document_key(identity.passport_number)}",
        identity=identity,
        rptka_number=rptka,
        employer_id=r.text("employer_id", required=True, max_length=32),
        employer_name=r.text("employer_name", required=True, max_length=200),
        position=r.text("position", required=True, max_length=200),
        work_address=r.text("work_address"),
        work_kecamatan=r.kecamatan("work_kecamatan", "BATAM"),
        valid_from=valid_from or date.min,
        valid_until=valid_until or date.min,
        status=r.code("status", WorkPermitStatus, required=True),
        dkptka_paid_until=r.date("dkptka_paid_until"),
    )


def _registration(r: _Row) -> RegistrationRecord:
    number = r.text("registration_number", required=True, max_length=64)
    city = r.text("city", required=True, max_length=100)
    return RegistrationRecord(
        key=number,
        identity=r.identity(),
        registration_number=number,
        registration_type=r.code("registration_type", RegistrationType, required=True),
        issued_on=r.date("issued_on", required=True) or date.min,
        valid_until=r.date("valid_until"),
        address=r.text("address", required=True),
        kelurahan=r.text("kelurahan", max_length=100),
        kecamatan=r.kecamatan("kecamatan", city, required=True),
        city=city,
    )


def _crossing(r: _Row) -> CrossingRecord:
    crossing_id = r.text("crossing_id", required=True, max_length=64)
    return CrossingRecord(
        key=crossing_id,
        identity=r.identity(),
        crossing_id=crossing_id,
        direction=r.code("direction", Direction, required=True),
        checkpoint=r.checkpoint("checkpoint"),
        crossed_at=r.datetime("crossed_at", required=True) or _MISSING,
        permit_type=r.code("permit_type", PermitType),
        permit_number=r.text("permit_number", max_length=64),
        authorized_stay_until=r.date("authorized_stay_until"),
        carrier=r.text("carrier", max_length=100),
        port_from_or_to=r.text("port_from_or_to", max_length=100),
    )


def _residence_report(r: _Row) -> ResidenceReportRecord:
    report_id = r.text("report_id", required=True, max_length=64)
    city = r.text("city", required=True, max_length=100)
    check_in = r.datetime("check_in", required=True)
    check_out = r.datetime("check_out")
    if check_in and check_out and check_out < check_in:
        r._fail("check_out", r.raw("check_out"), _("a date-time after check_in"))
    return ResidenceReportRecord(
        key=report_id,
        identity=r.identity(),
        report_id=report_id,
        reporter_type=r.code("reporter_type", ReporterType, required=True),
        reporter_id=r.text("reporter_id", required=True, max_length=32),
        reporter_name=r.text("reporter_name", required=True, max_length=200),
        place_name=r.text("place_name", max_length=200),
        address=r.text("address", required=True),
        kelurahan=r.text("kelurahan", max_length=100),
        kecamatan=r.kecamatan("kecamatan", city),
        city=city,
        latitude=r.coordinate("latitude", 90),
        longitude=r.coordinate("longitude", 180),
        permit_type=r.code("permit_type", PermitType),
        permit_number=r.text("permit_number", max_length=64),
        purpose=r.code("purpose", Purpose),
        check_in=check_in or _MISSING,
        check_out=check_out,
        reported_at=r.datetime("reported_at", required=True) or _MISSING,
    )


def _watchlist_entry(r: _Row) -> WatchlistEntryRecord:
    watch_list = r.code("list", WatchList, required=True)
    entry_id = r.text("entry_id", required=True, max_length=64)
    nationalities = []
    for value in r.items("nationality", max_items=10, max_length=3):
        code = normalise_country(value)
        if code in r.reference.countries:
            nationalities.append(code)
        else:
            r._fail("nationality", value, _("ISO 3166-1 alpha-3 codes separated by ;"))
    passports = r.items("passport_numbers", max_length=32)
    for number in passports:
        if not document_key(number):
            r._fail("passport_numbers", number, _("letters and digits"))
    valid_from = r.date("valid_from", required=True)
    valid_until = r.date("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        r._fail("valid_until", str(valid_until), _("a date on or after valid_from"))
    return WatchlistEntryRecord(
        key=f"{watch_list}|{entry_id}",
        list=watch_list,
        entry_id=entry_id,
        full_name=" ".join(r.text("full_name", required=True, max_length=200).split()),
        aliases=r.items("aliases"),
        name_original=r.text("name_original", max_length=200),
        sex=r.code("sex", Sex),
        date_of_birth=r.partial_date("date_of_birth"),
        nationality=tuple(nationalities),
        passport_numbers=passports,
        reason=r.text("reason", required=True, max_length=1000),
        action_on_hit=r.text("action_on_hit", required=True, max_length=1000),
        owning_agency=r.text("owning_agency", required=True, max_length=200),
        legal_basis=r.text("legal_basis", max_length=300),
        valid_from=valid_from or date.min,
        valid_until=valid_until,
    )


PARSERS: dict[str, Callable[[_Row], Record]] = {
    FactKind.COMPANY: _company,
    FactKind.STAY_PERMIT: _stay_permit,
    FactKind.WORK_PERMIT: _work_permit,
    FactKind.RESIDENCE_REGISTRATION: _registration,
    FactKind.BORDER_CROSSING: _crossing,
    FactKind.RESIDENCE_REPORT: _residence_report,
    FactKind.WATCHLIST_ENTRY: _watchlist_entry,
}


def parse_row(kind: FactKind | str, values: Mapping[str, Any], reference: Reference) -> Record:
    """Parse one row of ``kind``; raise :class:`RowError` listing every wrong field."""
    row = _Row(values, reference)
    record = PARSERS[str(kind)](row)
    row.finish()
    return record


# --- Columns of each kind, in the order exports write them ----------------------------------

IDENTITY_COLUMNS = (
    "full_name", "given_names", "surname", "name_original", "sex", "date_of_birth",
    "place_of_birth", "nationality", "passport_number", "passport_issuing_state",
    "passport_expiry",
)  # fmt: skip
_ADDRESS = ("address", "kelurahan", "kecamatan", "city")

COLUMNS: dict[str, tuple[str, ...]] = {
    FactKind.COMPANY: (
        "company_id", "name", "npwp", "sector", *_ADDRESS, "industrial_estate",
    ),
    FactKind.STAY_PERMIT: (
        "permit_number", "permit_type", "visa_index", "status", "issued_on", "valid_from",
        "valid_until", *IDENTITY_COLUMNS, "sponsor_type", "sponsor_id", "sponsor_name",
        "purpose", *_ADDRESS, "issuing_office",
    ),
    FactKind.WORK_PERMIT: (
        "rptka_number", "employer_id", "employer_name", "position", "work_address",
        "work_kecamatan", "valid_from", "valid_until", "status", *IDENTITY_COLUMNS,
        "dkptka_paid_until",
    ),
    FactKind.RESIDENCE_REGISTRATION: (
        "registration_number", "registration_type", "issued_on", "valid_until",
        *IDENTITY_COLUMNS, *_ADDRESS,
    ),
    FactKind.BORDER_CROSSING: (
        "crossing_id", "direction", "checkpoint", "crossed_at", *IDENTITY_COLUMNS,
        "permit_type", "permit_number", "authorized_stay_until", "carrier", "port_from_or_to",
    ),
    FactKind.RESIDENCE_REPORT: (
        "report_id", "reporter_type", "reporter_id", "reporter_name", "place_name", *_ADDRESS,
        "latitude", "longitude", *IDENTITY_COLUMNS, "permit_type", "permit_number", "purpose",
        "check_in", "check_out", "reported_at",
    ),
    FactKind.WATCHLIST_ENTRY: (
        "list", "entry_id", "full_name", "aliases", "name_original", "sex", "date_of_birth",
        "nationality", "passport_numbers", "reason", "action_on_hit", "owning_agency",
        "legal_basis", "valid_from", "valid_until",
    ),
}  # fmt: skip

_IDENTITY_REQUIRED = ("full_name", "nationality", "passport_number")
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    FactKind.COMPANY: ("company_id", "name"),
    FactKind.STAY_PERMIT: (
        "permit_number", "permit_type", "status", "valid_from", "valid_until",
        *_IDENTITY_REQUIRED,
    ),
    FactKind.WORK_PERMIT: (
        "rptka_number", "employer_id", "employer_name", "position", "valid_from",
        "valid_until", "status", *_IDENTITY_REQUIRED,
    ),
    FactKind.RESIDENCE_REGISTRATION: (
        "registration_number", "registration_type", "issued_on", *_IDENTITY_REQUIRED,
        "address", "kecamatan", "city",
    ),
    FactKind.BORDER_CROSSING: (
        "crossing_id", "direction", "checkpoint", "crossed_at", *_IDENTITY_REQUIRED,
    ),
    FactKind.RESIDENCE_REPORT: (
        "report_id", "reporter_type", "reporter_id", "reporter_name", "address", "city",
        *_IDENTITY_REQUIRED, "check_in", "reported_at",
    ),
    FactKind.WATCHLIST_ENTRY: (
        "list", "entry_id", "full_name", "reason", "action_on_hit", "owning_agency",
        "valid_from",
    ),
}  # fmt: skip

# The fields that make up a row's identity within its source (the key rules of the spec).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    FactKind.COMPANY: ("company_id",),
    FactKind.STAY_PERMIT: ("permit_number",),
    FactKind.WORK_PERMIT: ("rptka_number", "passport_number"),
    FactKind.RESIDENCE_REGISTRATION: ("registration_number",),
    FactKind.BORDER_CROSSING: ("crossing_id",),
    FactKind.RESIDENCE_REPORT: ("report_id",),
    FactKind.WATCHLIST_ENTRY: ("list", "entry_id"),
}


def row_key(kind: str, values: Mapping[str, Any]) -> str:
    """The key of a raw row as the parsed record will have it (for duplicates within a file);
    empty when a part of it is missing (such a row is rejected, never superseded)."""
    parts = []
    for name in KEY_COLUMNS[kind]:
        value = str(values.get(name) or "").strip()
        if not value:
            return ""
        if name == "passport_number":
            value = document_key(value)
        elif name == "list":
            value = value.upper()
        parts.append(value)
    return "|".join(parts)
