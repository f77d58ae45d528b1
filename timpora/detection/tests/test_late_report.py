"""LATE_REPORT: a report more than 24 hours after check-in, among those of the last 30 days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from timpora.detection.actions import set_parameter
from timpora.detection.choices import AlertStatus
from timpora.detection.engine import detect, scope_of_persons
from timpora.detection.rules.late_report import EVIDENCE_LIMIT
from timpora.registry.models import Person, Place, Stay

HOTEL = {"reporter_id": "9120001112223", "reporter_name": "Hotel Harbour Bay"}
INN = {"reporter_id": "9120004445556", "reporter_name": "Penginapan Nagoya", "address": "Jl. Imam"}


def test_a_report_24_hours_and_a_minute_after_check_in_fires_for_the_place(world):
    tan = world.person()
    world.stay(tan, "2026-06-10 14:00", reported_at="2026-06-11 14:01", **HOTEL)

    [alert] = world.fires("LATE_REPORT", "2026-06-30")

    assert alert.place == Place.objects.get(reporter_id=HOTEL["reporter_id"])
    assert alert.person is None
    assert alert.severity == "LOW"
    assert alert.facts["late"] == 1 and alert.facts["total"] == 1
    assert alert.facts["worst_minutes"] == 24 * 60 + 1
    assert [e["kind"] for e in alert.evidence] == ["residence-report"]
    assert "1 of the 1 residence report submitted" in alert.explanation_en
    assert "24 hours 1 minute" in alert.explanation_en
    assert "Pasal 72" in alert.explanation_en
    assert "30 Juni 2026" in alert.explanation_id


def test_exactly_24_hours_is_on_time_and_23_hours_is_a_clean_trap(world):
    tan, lim = world.person(), world.person("LIM AH KOW")
    world.stay(tan, "2026-06-10 14:00", reported_at="2026-06-11 14:00", **HOTEL)
    world.stay(lim, "2026-06-10 22:30", reported_at="2026-06-11 21:30", **INN)

    assert world.fires("LATE_REPORT", "2026-06-30") == []


def test_the_explanation_counts_late_and_total_reports_and_the_worst_delay(world):
    guests = [world.person(name) for name in ("TAN WEI MING", "LIM AH KOW", "ZHANG WEI")]
    world.stay(guests[0], "2026-06-01 10:00", reported_at="2026-06-01 18:00", **HOTEL)
    world.stay(guests[1], "2026-06-05 10:00", reported_at="2026-06-06 12:00", **HOTEL)
    world.stay(guests[2], "2026-06-07 09:00", reported_at="2026-06-10 11:30", **HOTEL)

    [alert] = world.fires("LATE_REPORT", "2026-06-30")

    assert (alert.facts["late"], alert.facts["total"]) == (2, 3)
    assert alert.facts["worst_minutes"] == 74 * 60 + 30
    assert "2 of the 3 residence reports" in alert.explanation_en
    assert "74 hours 30 minutes" in alert.explanation_en
    assert len(alert.evidence) == 2
    late_keys = {
        s.source_key for s in Stay.objects.filter(person__full_name__in=["LIM AH KOW", "ZHANG WEI"])
    }
    assert {e["key"] for e in alert.evidence} == late_keys


@pytest.mark.parametrize(
    ("reported", "fires"),
    [("2026-05-31 09:00", True), ("2026-05-30 23:59", False)],
)
def test_the_window_is_the_30_days_up_to_d_by_the_day_of_reporting(world, reported, fires):
    # D - 30 is 31 May: a report made that day is in the window, one made the day before is not.
    tan = world.person()
    world.stay(tan, "2026-05-20 09:00", reported_at=reported, **HOTEL)

    assert bool(world.fires("LATE_REPORT", "2026-06-30")) is fires


def test_a_report_made_after_d_is_not_judged_yet(world):
    tan = world.person()
    world.stay(tan, "2026-06-28 09:00", reported_at="2026-07-01 09:00", **HOTEL)

    assert world.fires("LATE_REPORT", "2026-06-30") == []
    assert len(world.fires("LATE_REPORT", "2026-07-01")) == 1


def test_each_place_is_judged_on_its_own(world):
    tan, lim = world.person(), world.person("LIM AH KOW")
    world.stay(tan, "2026-06-10 09:00", reported_at="2026-06-10 10:00", **HOTEL)
    world.stay(lim, "2026-06-10 09:00", reported_at="2026-06-12 10:00", **INN)

    [alert] = world.fires("LATE_REPORT", "2026-06-30")

    assert alert.place.reporter_id == INN["reporter_id"]
    assert alert.facts["total"] == 1


def test_the_evidence_is_capped_and_the_facts_keep_the_full_count(world):
    tan = world.person()
    for minute in range(EVIDENCE_LIMIT + 1):
        world.stay(tan, f"2026-06-01 08:{minute:02d}", reported_at="2026-06-03 08:00", **HOTEL)

    [alert] = world.fires("LATE_REPORT", "2026-06-30")

    assert alert.facts["late"] == alert.facts["total"] == EVIDENCE_LIMIT + 1
    assert len(alert.evidence) == EVIDENCE_LIMIT
    # The worst delays are kept: the report checked in last (the shortest delay) is left out.
    shortest = Stay.objects.get(check_in__minute=EVIDENCE_LIMIT)
    assert shortest.source_key not in {e["key"] for e in alert.evidence}


def test_a_longer_deadline_from_a_date_on_is_used_from_that_date(world, cast):
    tan = world.person()
    world.stay(tan, "2026-06-10 09:00", reported_at="2026-06-11 21:00", **HOTEL)  # 36 hours
    set_parameter(
        "LATE_REPORT_HOURS",
        Decimal(48),
        valid_from=date(2026, 7, 1),
        legal_basis="Perubahan (test)",
        actor=cast.dina,
    )

    assert len(world.fires("LATE_REPORT", "2026-06-30")) == 1
    world.detect("2026-07-01", "LATE_REPORT")
    [alert] = world.alerts("LATE_REPORT")
    assert alert.status == AlertStatus.RESOLVED


def test_the_alert_resolves_when_the_late_report_leaves_the_window(world):
    tan = world.person()
    world.stay(tan, "2026-06-01 09:00", reported_at="2026-06-03 09:00", **HOTEL)

    [alert] = world.fires("LATE_REPORT", "2026-07-03")
    world.detect("2026-07-04", "LATE_REPORT")

    [resolved] = world.alerts("LATE_REPORT")
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED


def test_a_run_after_an_import_of_one_guest_counts_every_report_of_the_place(world):
    tan, lim = world.person(), world.person("LIM AH KOW")
    world.stay(tan, "2026-06-10 09:00", reported_at="2026-06-12 09:00", **HOTEL)
    world.stay(lim, "2026-06-20 09:00", reported_at="2026-06-20 10:00", **HOTEL)
    newcomer = Person.objects.get(full_name="LIM AH KOW")

    detect(date(2026, 6, 30), rules=["LATE_REPORT"], scope=scope_of_persons([newcomer.pk]))

    [alert] = world.alerts("LATE_REPORT")
    assert (alert.facts["late"], alert.facts["total"]) == (1, 2)


def test_a_police_copy_of_a_guest_list_made_later_does_not_make_the_lodging_late(world):
    from timpora.accounts.models import Agency

    tan = world.person()
    world.stay(tan, "2026-06-10 14:00", reported_at="2026-06-10 20:00", key="RR-OWN", **HOTEL)
    world.source = Agency.objects.get(code="POLRESTA-BRL")
    world.stay(tan, "2026-06-10 14:00", reported_at="2026-06-13 09:00", key="RR-COPY", **HOTEL)
    assert Stay.objects.count() == 2

    assert world.fires("LATE_REPORT", "2026-06-30") == []


def test_a_stay_whose_first_report_came_late_fires_once(world):
    from timpora.accounts.models import Agency

    tan = world.person()
    world.stay(tan, "2026-06-10 14:00", reported_at="2026-06-12 20:00", key="RR-OWN", **HOTEL)
    world.source = Agency.objects.get(code="POLRESTA-BRL")
    world.stay(tan, "2026-06-10 14:00", reported_at="2026-06-13 09:00", key="RR-COPY", **HOTEL)

    [alert] = world.fires("LATE_REPORT", "2026-06-30")

    assert (alert.facts["late"], alert.facts["total"]) == (1, 1)
    assert [e["key"] for e in alert.evidence] == ["RR-OWN"]
