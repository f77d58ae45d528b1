"""After each batch the persons' derived facts are current: presence, permit, address, employer."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from timpora.exchange.formats import write_table
from timpora.exchange.pipeline import import_file
from timpora.registry.models import Person, StayPermit

IDENTITY = {
    "full_name": "TAN WEI MING",
    "sex": "M",
    "date_of_birth": "1979-04-12",
    "nationality": "SGP",
    "passport_number": "K1234567A",
}
WORKER = {
    "full_name": "NGUYEN VAN THANG",
    "sex": "M",
    "date_of_birth": "1992",
    "nationality": "VNM",
    "passport_number": "C8842211",
}


def today() -> date:
    return timezone.localdate()


def at(days_ago: int) -> str:
    moment = timezone.localtime() - timedelta(days=days_ago)
    return moment.replace(microsecond=0).isoformat()


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def send(tmp_path: Path, agency: Any, kind: str, rows: list[dict[str, str]]) -> Any:
    path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
    columns = list(dict.fromkeys(c for row in rows for c in row))
    with path.open("wb") as out:
        write_table(rows, columns, "csv", out)
    batch = import_file(kind, path, source=agency, user=None)
    assert batch.rejected == 0, batch.pk
    return batch


def crossing(key: str, direction: str, when: str, **extra: str) -> dict[str, str]:
    return {
        "crossing_id": key,
        "direction": direction,
        "checkpoint": "BTM-HB",
        "crossed_at": when,
        **IDENTITY,
        **extra,
    }


@pytest.mark.django_db
def test_arrival_then_departure(cast: Any, tmp_path: Path) -> None:
    send(
        tmp_path,
        cast.imigrasi,
        "border-crossing",
        [crossing("BC-1", "ARRIVAL", at(5), permit_type="BVK", authorized_stay_until=day(25))],
    )
    person = Person.objects.get()
    assert person.in_country is True
    assert person.authorised_until == today() + timedelta(days=25)
    assert person.current_permit is None

    send(tmp_path, cast.imigrasi, "border-crossing", [crossing("BC-2", "DEPARTURE", at(1))])
    person.refresh_from_db()
    assert person.in_country is False


@pytest.mark.django_db
def test_unknown_presence_without_facts_that_tell(cast: Any, tmp_path: Path) -> None:
    send(tmp_path, cast.disnaker, "work-permit", [_work_permit()])
    person = Person.objects.get()
    assert person.in_country is None
    assert person.authorised_until is None


def _stay_permit(**extra: str) -> dict[str, str]:
    return {
        "permit_number": "2C21AB0012-X",
        "permit_type": "ITAS",
        "visa_index": "E23",
        "status": "ACTIVE",
        "valid_from": day(-100),
        "valid_until": day(200),
        **WORKER,
        "sponsor_type": "COMPANY",
        "sponsor_id": "8120009876543",
        "sponsor_name": "PT Sinar Baja Fabrikasi",
        "address": "Jl. Permit No. 1",
        "kecamatan": "Sekupang",
        "city": "Batam",
        **extra,
    }


@pytest.mark.django_db
def test_itas_resident_without_crossings(cast: Any, tmp_path: Path) -> None:
    send(tmp_path, cast.imigrasi, "stay-permit", [_stay_permit()])
    person = Person.objects.get()
    permit = StayPermit.objects.get()
    assert person.current_permit == permit
    assert person.authorised_until == today() + timedelta(days=200)
    assert person.in_country is True
    # With nothing better, the permit's declared domicile is the current address.
    assert person.current_address == "Jl. Permit No. 1"
    assert person.current_kecamatan.name == "Sekupang"

    # An extension moves the authorised date.
    send(
        tmp_path,
        cast.imigrasi,
        "stay-permit",
        [_stay_permit(status="EXTENDED", valid_until=day(565))],
    )
    person.refresh_from_db()
    assert person.authorised_until == today() + timedelta(days=565)
    assert person.current_permit == permit


@pytest.mark.django_db
def test_stay_permit_outlasts_the_arrival_stamp(cast: Any, tmp_path: Path) -> None:
    send(
        tmp_path,
        cast.imigrasi,
        "border-crossing",
        [crossing("BC-9", "ARRIVAL", at(10), authorized_stay_until=day(20), **WORKER)],
    )
    send(tmp_path, cast.imigrasi, "stay-permit", [_stay_permit()])
    person = Person.objects.get()
    assert person.in_country is True
    assert person.authorised_until == today() + timedelta(days=200)
    assert person.current_permit == StayPermit.objects.get()


def _report(key: str, checked_in: str, address: str, kecamatan: str) -> dict[str, str]:
    return {
        "report_id": key,
        "reporter_type": "LODGING",
        "reporter_id": "9120001234567",
        "reporter_name": "PT Harbour Hotel Batam",
        "place_name": "Harbour Hotel",
        "address": address,
        "kecamatan": kecamatan,
        "city": "Batam",
        **IDENTITY,
        "purpose": "TOURISM",
        "check_in": checked_in,
        "reported_at": checked_in,
    }


@pytest.mark.django_db
def test_residence_report_gives_the_current_address(cast: Any, tmp_path: Path) -> None:
    send(
        tmp_path,
        cast.imigrasi,
        "residence-report",
        [_report("H-1", at(6), "Jl. Duyung No. 2", "Batu Ampar")],
    )
    person = Person.objects.get()
    assert person.current_address == "Jl. Duyung No. 2"
    assert person.current_kecamatan.name == "Batu Ampar"
    assert person.in_country is True  # an open stay

    send(
        tmp_path,
        cast.imigrasi,
        "residence-report",
        [_report("H-2", at(2), "Jl. Raja Ali Haji No. 9", "Lubuk Baja")],
    )
    person.refresh_from_db()
    assert person.current_address == "Jl. Raja Ali Haji No. 9"
    assert person.current_kecamatan.name == "Lubuk Baja"


@pytest.mark.django_db
def test_registration_newer_than_the_last_stay_wins(cast: Any, tmp_path: Path) -> None:
    send(
        tmp_path,
        cast.imigrasi,
        "residence-report",
        [_report("H-1", at(30), "Jl. Duyung No. 2", "Batu Ampar")],
    )
    registration = {
        "registration_number": "SKTT-1",
        "registration_type": "SKTT",
        "issued_on": day(-3),
        **IDENTITY,
        "address": "Perumahan Anggrek Blok B 7",
        "kecamatan": "Batam Kota",
        "city": "Batam",
    }
    send(tmp_path, cast.imigrasi, "residence-registration", [registration])
    person = Person.objects.get()
    assert person.current_address == "Perumahan Anggrek Blok B 7"
    assert person.current_kecamatan.name == "Batam Kota"


def _work_permit(**extra: str) -> dict[str, str]:
    return {
        "rptka_number": "KEP.1/PPTKA/2026",
        "employer_id": "8120009876543",
        "employer_name": "PT Sinar Baja Fabrikasi",
        "position": "Welding Supervisor",
        "valid_from": day(-30),
        "valid_until": day(300),
        "status": "ACTIVE",
        **WORKER,
        **extra,
    }


@pytest.mark.django_db
def test_work_permit_gives_the_current_employer(cast: Any, tmp_path: Path) -> None:
    send(tmp_path, cast.disnaker, "work-permit", [_work_permit()])
    person = Person.objects.get()
    assert person.current_employer.company_id == "8120009876543"
    assert person.derived_on == today()

    send(tmp_path, cast.disnaker, "work-permit", [_work_permit(status="CANCELLED")])
    person.refresh_from_db()
    assert person.current_employer is None
