"""UNREPORTED_STAY: a visitor still in the country more than 2 days after arrival, unreported."""

from __future__ import annotations

import pytest

from timpora.detection.choices import AlertStatus


def test_a_visitor_never_reported_fires_on_day_3_with_the_arrival_as_evidence(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")

    [alert] = world.fires("UNREPORTED_STAY", "2026-03-04")

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.severity == "MEDIUM"
    assert alert.facts == {"arrived": "2026-03-01", "permit_type": "BVK", "days": 3, "grace": 2}
    assert [e["kind"] for e in alert.evidence] == ["border-crossing"]
    assert "1 March 2026" in alert.explanation_en
    assert "3 days later" in alert.explanation_en
    assert "Pasal 72" in alert.explanation_en
    assert "1 Maret 2026" in alert.explanation_id


@pytest.mark.parametrize(("as_of", "fires"), [("2026-03-03", False), ("2026-03-04", True)])
def test_day_2_does_not_fire_and_day_3_does(world, as_of, fires):
    tan = world.person()
    # Late in the evening: the days are counted in local days, not in hours.
    world.arrive(tan, "2026-03-01 23:30", permit_type="VOA", until="2026-03-30")

    assert len(world.fires("UNREPORTED_STAY", as_of)) == int(fires)


@pytest.mark.parametrize("permit_type", ["BVK", "VOA", "ITK"])
def test_every_visit_type_counts(world, permit_type):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type=permit_type, until="2026-03-30")

    [alert] = world.fires("UNREPORTED_STAY", "2026-03-10")
    assert alert.facts["permit_type"] == permit_type


@pytest.mark.parametrize("permit_type", ["ITAS", "ITAP"])
def test_a_resident_with_no_reports_never_fires(world, permit_type):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type=permit_type)
    world.permit(tan, permit_type=permit_type, valid_from="2026-01-01", valid_until="2026-12-31")

    assert world.fires("UNREPORTED_STAY", "2026-04-01") == []


def test_a_resident_without_any_crossing_never_fires(world):
    tan = world.person()
    world.permit(tan, valid_from="2026-01-01", valid_until="2026-12-31")

    assert world.fires("UNREPORTED_STAY", "2026-04-01") == []


@pytest.mark.parametrize(
    "check_in", ["2026-03-01 14:00", "2026-02-28 22:00", "2026-03-03 09:00", "2026-03-09 09:00"]
)
def test_a_report_from_the_day_before_arrival_up_to_d_clears_it(world, check_in):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.stay(tan, check_in)

    assert world.fires("UNREPORTED_STAY", "2026-03-10") == []


def test_a_report_two_days_before_arrival_belongs_to_another_visit(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.stay(tan, "2026-02-27 22:00", check_out="2026-02-28 10:00")

    assert len(world.fires("UNREPORTED_STAY", "2026-03-10")) == 1


def test_a_report_checked_in_after_d_does_not_count_yet(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.stay(tan, "2026-03-12 14:00")

    assert len(world.fires("UNREPORTED_STAY", "2026-03-10")) == 1
    assert world.fires("UNREPORTED_STAY", "2026-03-12") == []


def test_a_report_of_an_earlier_visit_does_not_cover_this_one(world):
    tan = world.person()
    world.arrive(tan, "2026-01-05 10:00", until="2026-02-03")
    world.stay(tan, "2026-01-05 15:00", check_out="2026-01-10 10:00")
    world.depart(tan, "2026-01-10 12:00")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")

    [alert] = world.fires("UNREPORTED_STAY", "2026-03-10")
    assert alert.facts["arrived"] == "2026-03-01"


def test_a_visitor_who_left_does_not_fire(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.depart(tan, "2026-03-02 16:00")

    assert world.fires("UNREPORTED_STAY", "2026-03-10") == []


def test_a_late_report_resolves_the_alert(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    [alert] = world.fires("UNREPORTED_STAY", "2026-03-05")

    world.stay(tan, "2026-03-01 15:00", reported_at="2026-03-05 18:00")
    world.detect("2026-03-06", "UNREPORTED_STAY")

    [resolved] = world.alerts("UNREPORTED_STAY")
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED
