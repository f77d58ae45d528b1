"""Every exchange kind imports from CSV, XLSX, JSON and JSON Lines into the right facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from timpora.exchange.choices import BatchStatus, RowStatus
from timpora.exchange.models import RawRecord
from timpora.exchange.tests.samples import KINDS, run, sample, write
from timpora.matching.models import WatchlistEntry
from timpora.registry.models import (
    BorderCrossing,
    Company,
    Person,
    Registration,
    Stay,
    StayPermit,
    TravelDocument,
    WorkPermit,
)

# Companies first: the permits name them as sponsor and employer.
FORMATS = ("csv", "xlsx", "json", "jsonl")
WIB = timezone(timedelta(hours=7))


def _check_facts() -> None:
    company = Company.objects.get(company_id="8120005550001")
    assert company.registered
    assert company.industrial_estate == "Batamindo"
    assert company.kecamatan.name == "Sei Beduk"

    itas = StayPermit.objects.get(source_key="2C21AB0012-X")
    assert itas.permit_type == "ITAS"
    assert itas.valid_until == date(2026, 8, 19)
    assert itas.sponsor_company.company_id == "8120009876543"
    assert itas.kecamatan.name == "Batu Aji"
    assert itas.person.full_name == "NGUYEN VAN THANG"

    work = WorkPermit.objects.get(source_key="KEP.55123/PPTKA/PTK/2025|C8842211")
    assert work.employer.company_id == "8120009876543"
    assert work.work_kecamatan.name == "Batu Aji"
    assert work.dkptka_paid_until == date(2026, 3, 31)
    assert work.person_id == itas.person_id  # same passport, same person

    registration = Registration.objects.get(source_key="SKTT-2171-2025-00931")
    assert registration.registration_type == "SKTT"
    assert registration.kecamatan.name == "Batu Aji"

    arrival = BorderCrossing.objects.get(source_key="BC-2026-03-01-000118")
    assert arrival.checkpoint.code == "BTM-HB"
    assert arrival.direction == "ARRIVAL"
    assert arrival.crossed_at == datetime(2026, 3, 1, 12, 20, tzinfo=WIB)
    assert arrival.crossed_at == datetime(2026, 3, 1, 5, 20, tzinfo=UTC)
    assert arrival.authorized_stay_until == date(2026, 3, 30)
    assert arrival.document.number == "K1234567A"
    zhang = BorderCrossing.objects.get(source_key="HN-2026-03-02-000051")
    assert zhang.checkpoint.code == "BTM-HN"
    assert zhang.person.name_original == "张伟"

    stay = Stay.objects.get(source_key="H-0001-2026-000481")
    assert stay.place.name == "Harbour Hotel"
    assert stay.place.reporter_id == "9120001234567"
    assert stay.place.kecamatan.name == "Batu Ampar"
    assert stay.place.latitude == pytest.approx(1.1561)
    assert stay.check_out == datetime(2026, 3, 3, 11, 0, tzinfo=WIB)
    assert Stay.objects.get(source_key="H-0001-2026-000482").check_out is None
    mess = Stay.objects.get(source_key="C-7788-0193")
    assert mess.place.company.company_id == "8120009876543"
    assert mess.person_id == itas.person_id

    entry = WatchlistEntry.objects.get(source_key="PENANGKALAN|TKL-2024-01187")
    assert entry.aliases == ["LEE KEUNG", "LI CHIANG"]
    assert entry.passport_numbers == ["E00918273", "G41122334"]
    assert entry.nationalities == ["CHN"]
    assert entry.date_of_birth == "1975"
    assert entry.valid_until == date(2030, 5, 9)
    dpo = WatchlistEntry.objects.get(source_key="DPO|DPO-POLDA-2025-044")
    assert dpo.date_of_birth == "1983-07"
    assert dpo.valid_until is None

    # Three people in all samples; the watch list creates no persons.
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "NGUYEN VAN THANG",
        "TAN WEI MING",
        "ZHANG WEI",
    ]
    assert Person.objects.get(full_name="NGUYEN VAN THANG").date_of_birth == "1992"
    assert TravelDocument.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_kind_imports_in_every_format_and_again_unchanged(
    cast: Any, tmp_path: Path, fmt: str
) -> None:
    paths = {}
    for kind in KINDS:
        columns, rows = sample(kind)
        paths[kind] = write(tmp_path / f"{kind}.{fmt}", columns, rows, fmt)
        batch = run(kind, paths[kind], cast.imigrasi)
        assert batch.status == BatchStatus.COMPLETED
        assert batch.format == fmt
        assert (batch.rows_total, batch.created, batch.rejected) == (len(rows), len(rows), 0)
        statuses = set(RawRecord.objects.filter(batch=batch).values_list("status", flat=True))
        assert statuses == {RowStatus.CREATED}
    _check_facts()

    for kind in KINDS:
        batch = run(kind, paths[kind], cast.imigrasi)
        assert batch.status == BatchStatus.COMPLETED
        assert batch.unchanged == batch.rows_total > 0, kind
        assert (batch.created, batch.updated, batch.rejected, batch.persons_created) == (0, 0, 0, 0)
    _check_facts()


def _crossing(**values: str) -> dict[str, str]:
    row = {
        "crossing_id": "BC-X-1",
        "direction": "ARRIVAL",
        "checkpoint": "BTM-BC",
        "crossed_at": "2026-03-05T08:00:00+07:00",
        "full_name": "MUELLER HANS",
        "sex": "M",
        "date_of_birth": "1970-01-02",
        "nationality": "DEU",
        "passport_number": "C01X00T47",
    }
    row.update(values)
    return row


@pytest.mark.django_db
def test_icao_codes_partial_birth_dates_and_wib_time(cast: Any, tmp_path: Path) -> None:
    rows = [
        _crossing(nationality="D", passport_issuing_state="D"),
        _crossing(
            crossing_id="BC-X-2",
            full_name="SMITH JOHN",
            nationality="GBD",
            passport_issuing_state="GBD",
            passport_number="123456789",
            date_of_birth="1965",
        ),
        _crossing(
            crossing_id="BC-X-3",
            full_name="JONES MARY",
            nationality="GBR",
            passport_issuing_state="GBN",
            passport_number="987654321",
            date_of_birth="1981-06",
            sex="F",
            crossed_at="2026-03-05T08:00:00",  # no offset: WIB
        ),
    ]
    columns = list(dict.fromkeys(c for row in rows for c in row))
    batch = run("border-crossing", write(tmp_path / "x.csv", columns, rows, "csv"), cast.imigrasi)
    assert (batch.created, batch.rejected, batch.persons_created) == (3, 0, 3)

    hans = BorderCrossing.objects.get(source_key="BC-X-1")
    assert hans.person.nationality_id == "DEU"
    assert hans.document.issuing_state_id == "DEU"
    smith = BorderCrossing.objects.get(source_key="BC-X-2")
    assert smith.person.nationality_id == "GBR"
    assert smith.document.issuing_state_id == "GBR"
    assert smith.person.date_of_birth == "1965"
    jones = BorderCrossing.objects.get(source_key="BC-X-3")
    assert jones.document.issuing_state_id == "GBR"
    assert jones.person.date_of_birth == "1981-06"
    assert jones.crossed_at == datetime(2026, 3, 5, 1, 0, tzinfo=UTC)
    assert jones.crossed_at == hans.crossed_at


@pytest.mark.django_db
def test_passport_numbers_compare_normalised(cast: Any, tmp_path: Path) -> None:
    """Spaces, dashes and '<' in a passport number do not make another person."""
    rows = [
        _crossing(),
        _crossing(crossing_id="BC-X-2", passport_number="c01x-00 t47<<"),
    ]
    batch = run(
        "border-crossing", write(tmp_path / "x.csv", list(rows[0]), rows, "csv"), cast.imigrasi
    )
    assert (batch.created, batch.persons_created) == (2, 1)
    assert TravelDocument.objects.get().number_key == "C01X00T47"
