from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from timpora.registry.models import Person
from timpora.registry.queries import person_record
from timpora.registry.status import person_status
from timpora.testing import NGUYEN, TAN, crossing, stay_permit


def test_it_shows_a_permit_extension_on_the_timeline(cast, facts):
    facts.add("stay-permit", [stay_permit(NGUYEN, "2C21AB0012-X")], source=cast.imigrasi)
    facts.add(
        "stay-permit",
        [stay_permit(NGUYEN, "2C21AB0012-X", valid_until="2027-12-31", status="EXTENDED")],
        source=cast.imigrasi,
    )
    rec = person_record(cast.alice, Person.objects.get())
    kinds = [entry.kind for entry in rec.timeline]
    assert kinds.count("permit-change") == 1
    change = next(e for e in rec.timeline if e.kind == "permit-change")
    assert change.at.date() == date(2026, 12, 31)


def test_it_puts_crossings_and_stays_in_one_timeline_newest_first(cast, facts):
    facts.add(
        "border-crossing",
        [
            crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00"),
            crossing(TAN, "BC-2", "DEPARTURE", "2026-03-03T12:30:00+07:00"),
        ],
        source=cast.imigrasi,
    )
    facts.add(
        "residence-report",
        [
            {
                **TAN,
                "report_id": "H-1",
                "reporter_type": "LODGING",
                "reporter_id": "9120001234567",
                "reporter_name": "PT Harbour Hotel Batam",
                "address": "Jl. Duyung No. 2",
                "kecamatan": "Batu Ampar",
                "city": "Batam",
                "check_in": "2026-03-01T14:05:00+07:00",
                "check_out": "2026-03-03T11:00:00+07:00",
                "reported_at": "2026-03-01T15:12:00+07:00",
            }
        ],
        source=cast.imigrasi,
    )
    rec = person_record(cast.alice, Person.objects.get())
    assert [e.kind for e in rec.timeline] == ["departure", "check-out", "check-in", "arrival"]


def test_it_says_a_visitor_who_left_is_not_in_the_country(cast, facts):
    facts.add(
        "border-crossing",
        [
            crossing(
                TAN,
                "BC-1",
                "ARRIVAL",
                "2026-03-01T12:20:00+07:00",
                authorized_stay_until="2026-03-30",
            ),
            crossing(TAN, "BC-2", "DEPARTURE", "2026-03-03T12:30:00+07:00"),
        ],
        source=cast.imigrasi,
    )
    tan = Person.objects.get()
    during = person_status(tan, date(2026, 3, 2))
    after = person_status(tan, date(2026, 3, 4))
    assert (during.in_country, during.authorised_until) == (True, date(2026, 3, 30))
    assert after.in_country is False


def test_it_counts_an_overstay_from_the_day_after_the_authorisation_ends(cast, facts):
    facts.add(
        "border-crossing",
        [
            crossing(
                TAN,
                "BC-1",
                "ARRIVAL",
                "2026-03-01T12:20:00+07:00",
                authorized_stay_until="2026-03-30",
            )
        ],
        source=cast.imigrasi,
    )
    tan = Person.objects.get()
    assert person_status(tan, date(2026, 3, 30)).days_over == 0
    assert person_status(tan, date(2026, 4, 2)).days_over == 3


def test_it_ignores_a_cancelled_permit_for_the_authorisation(cast, facts):
    facts.add(
        "stay-permit",
        [stay_permit(NGUYEN, "P-1", status="CANCELLED", valid_until="2027-06-30")],
        source=cast.imigrasi,
    )
    status = person_status(Person.objects.get(), date(2026, 6, 1))
    assert status.authorised_until is None


def test_it_counts_a_resident_without_crossings_as_in_the_country_while_the_itas_is_valid(
    cast, facts
):
    facts.add("stay-permit", [stay_permit(NGUYEN, "P-1")], source=cast.imigrasi)
    nguyen = Person.objects.get()
    assert person_status(nguyen, date(2026, 6, 1)).in_country is True
    assert person_status(nguyen, date(2027, 1, 5)).in_country is False


def test_it_says_when_a_check_out_came_later_as_an_update(cast, facts):
    report = {
        **TAN,
        "report_id": "H-2",
        "reporter_type": "LODGING",
        "reporter_id": "9120001234567",
        "reporter_name": "PT Harbour Hotel Batam",
        "address": "Jl. Duyung No. 2",
        "kecamatan": "Batu Ampar",
        "city": "Batam",
        "check_in": "2026-03-01T14:05:00+07:00",
        "reported_at": "2026-03-01T15:12:00+07:00",
    }
    facts.add("residence-report", [report], source=cast.imigrasi)
    rec = person_record(cast.alice, Person.objects.get())
    assert [e.kind for e in rec.timeline] == ["check-in"]

    facts.add(
        "residence-report",
        [{**report, "check_out": "2026-03-03T11:00:00+07:00"}],
        source=cast.imigrasi,
    )
    with translation.override("en"):
        rec = person_record(cast.alice, Person.objects.get())
    check_out = next(e for e in rec.timeline if e.kind == "check-out")
    assert check_out.at == datetime(2026, 3, 3, 11, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert check_out.detail.endswith("check-out reported later, as an update of the report")
