"""The same file twice changes nothing; a changed row is an update with its earlier version kept."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from timpora.exchange.tests.samples import KINDS, run, sample, write
from timpora.matching.models import WatchlistEntry
from timpora.registry.models import (
    BorderCrossing,
    Company,
    FactRevision,
    IdentityConflict,
    Person,
    Place,
    Registration,
    Stay,
    StayPermit,
    TravelDocument,
    WorkPermit,
)

WIB = timezone(timedelta(hours=7))
TABLES = (
    BorderCrossing,
    Stay,
    StayPermit,
    WorkPermit,
    Registration,
    WatchlistEntry,
    FactRevision,
    Person,
    TravelDocument,
    Place,
    Company,
    IdentityConflict,
)


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every registry table, every column (timestamps included), sorted."""
    return {
        model.__name__: sorted(
            (tuple(sorted(row.items())) for row in model.objects.values()), key=repr
        )
        for model in TABLES
    }


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_importing_every_file_again_changes_nothing(cast: Any, tmp_path: Path, fmt: str) -> None:
    paths = {}
    for kind in KINDS:
        columns, rows = sample(kind)
        paths[kind] = write(tmp_path / f"{kind}.{fmt}", columns, rows)
        assert run(kind, paths[kind], cast.imigrasi).created == len(rows)
    before = dump()
    assert all(before[m.__name__] for m in TABLES if m not in (FactRevision, IdentityConflict))
    for _ in range(2):
        for kind in KINDS:
            batch = run(kind, paths[kind], cast.imigrasi)
            assert batch.unchanged == batch.rows_total
            assert (batch.created, batch.updated, batch.persons_created, batch.conflicts) == (
                0,
                0,
                0,
                0,
            )
        assert dump() == before


@pytest.mark.django_db
def test_stay_permit_extension_is_an_update_with_history(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("stay-permit")
    run("stay-permit", write(tmp_path / "permits.csv", columns, rows), cast.imigrasi)
    permit = StayPermit.objects.get(source_key="2C21AB0012-X")
    assert (permit.revision, permit.status, permit.valid_until) == (1, "ACTIVE", date(2026, 8, 19))

    extended = [dict(rows[0], status="EXTENDED", valid_until="2027-08-19"), rows[1]]
    batch = run("stay-permit", write(tmp_path / "extended.csv", columns, extended), cast.imigrasi)
    assert (batch.created, batch.updated, batch.unchanged, batch.rejected) == (0, 1, 1, 0)
    assert StayPermit.objects.count() == 2
    permit.refresh_from_db()
    assert (permit.revision, permit.status, permit.valid_until) == (
        2,
        "EXTENDED",
        date(2027, 8, 19),
    )
    earlier = FactRevision.objects.get(kind="stay-permit", fact_id=permit.pk)
    assert earlier.revision == 1
    assert earlier.values["valid_until"] == "2026-08-19"
    assert earlier.values["status"] == "ACTIVE"
    assert earlier.values["permit_number"] == "2C21AB0012-X"

    # The same extension again: nothing new, not even a revision.
    again = run("stay-permit", write(tmp_path / "extended2.csv", columns, extended), cast.imigrasi)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert FactRevision.objects.count() == 1

    # A second extension keeps both earlier versions.
    twice = [dict(extended[0], valid_until="2028-08-19")]
    run("stay-permit", write(tmp_path / "twice.csv", columns, twice), cast.imigrasi)
    history = FactRevision.objects.filter(kind="stay-permit", fact_id=permit.pk)
    assert [(r.revision, r.values["valid_until"]) for r in history.order_by("revision")] == [
        (1, "2026-08-19"),
        (2, "2027-08-19"),
    ]
    permit.refresh_from_db()
    assert (permit.revision, permit.valid_until) == (3, date(2028, 8, 19))


@pytest.mark.django_db
def test_residence_report_sent_again_with_check_out(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("residence-report")
    run("residence-report", write(tmp_path / "reports.csv", columns, rows), cast.imigrasi)
    stay = Stay.objects.get(source_key="H-0001-2026-000482")
    assert stay.check_out is None

    later = [dict(rows[1], check_out="2026-03-06T10:00:00+07:00")]
    batch = run("residence-report", write(tmp_path / "checkout.csv", columns, later), cast.imigrasi)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 0)
    stay.refresh_from_db()
    assert stay.check_out == datetime(2026, 3, 6, 10, 0, tzinfo=WIB)
    assert stay.revision == 2
    earlier = FactRevision.objects.get(kind="residence-report", fact_id=stay.pk)
    assert earlier.revision == 1
    assert earlier.values["check_out"] is None
    assert earlier.values["check_in"].startswith("2026-03-02")
    assert Stay.objects.count() == 3
    assert Place.objects.count() == 2  # the hotel and the company mess, not a new place


@pytest.mark.django_db
def test_counts_of_a_mixed_file(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("border-crossing")
    run("border-crossing", write(tmp_path / "a.csv", columns, rows[:2]), cast.imigrasi)
    mixed = [
        rows[0],  # unchanged
        dict(rows[1], carrier="MV Horizon 7"),  # updated
        rows[2],  # created
        dict(rows[2], crossing_id="HN-BAD", direction="UP"),  # rejected
    ]
    batch = run("border-crossing", write(tmp_path / "b.csv", columns, mixed), cast.imigrasi)
    assert (batch.rows_total, batch.created, batch.updated, batch.unchanged, batch.rejected) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert batch.processed == batch.rows_total
    assert BorderCrossing.objects.count() == 3
    departure = BorderCrossing.objects.get(source_key=rows[1]["crossing_id"])
    assert departure.carrier == "MV Horizon 7"
    [earlier] = FactRevision.objects.filter(kind="border-crossing", fact_id=departure.pk)
    assert earlier.values["carrier"] == "MV Horizon 5"


@pytest.mark.django_db
def test_first_company_record_after_a_mention_counts_as_created(cast: Any, tmp_path: Path) -> None:
    columns, rows = sample("work-permit")
    run("work-permit", write(tmp_path / "work.csv", columns, rows), cast.imigrasi)
    assert not Company.objects.get(company_id="8120009876543").registered
    columns, rows = sample("company")
    batch = run("company", write(tmp_path / "companies.csv", columns, rows), cast.imigrasi)
    assert Company.objects.get(company_id="8120009876543").registered
    assert (batch.created, batch.updated) == (2, 0)
    assert not FactRevision.objects.filter(kind="company").exists()
