"""VISITOR_WORKING: a visitor with a work permit, company housing or a stay for work."""

from __future__ import annotations

import pytest

from timpora.detection.choices import AlertStatus

RULE = "VISITOR_WORKING"


def _keys(alert):
    """Evidence as (kind, key); a work permit's key also names its holder (RPTKA-1|P…)."""
    return sorted((e["kind"], e["key"].split("|")[0]) for e in alert.evidence)


def test_it_fires_for_a_visitor_named_in_a_work_permit(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", key="BC-A", until="2026-03-30")
    world.work_permit(tan, valid_from="2026-02-01", valid_until="2027-01-31", number="RPTKA-1")

    [alert] = world.fires(RULE, "2026-03-10")

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.severity == "HIGH"
    assert alert.facts["signs"] == ["work_permit"]
    assert alert.facts["permit_type"] == "BVK"
    assert _keys(alert) == [("border-crossing", "BC-A"), ("work-permit", "RPTKA-1")]
    assert "work permit (RPTKA)" in alert.explanation_en
    assert "1 March 2026" in alert.explanation_en
    assert "1 Maret 2026" in alert.explanation_id
    assert "Pasal 122" in alert.explanation_id


def test_it_fires_for_a_visitor_housed_by_a_company(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type="VOA", key="BC-A")
    world.stay(tan, "2026-03-02 18:00", reporter_type="COMPANY", reporter_id="812000111", key="R1")

    [alert] = world.fires(RULE, "2026-03-10")

    assert alert.facts["signs"] == ["company_housing"]
    assert _keys(alert) == [("border-crossing", "BC-A"), ("residence-report", "R1")]
    assert "housed by a company" in alert.explanation_en


def test_it_fires_for_a_visitor_reported_staying_for_work(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type="ITK")
    world.stay(tan, "2026-03-01 20:00", purpose="WORK", key="R1")

    [alert] = world.fires(RULE, "2026-03-10")

    assert alert.facts["signs"] == ["work_purpose"]
    assert alert.facts["work_reports"] == 1
    assert "staying for work" in alert.explanation_en


def test_all_three_signs_are_named_and_a_report_showing_two_is_evidence_once(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", key="BC-A")
    world.work_permit(tan, number="RPTKA-1")
    world.stay(tan, "2026-03-02", reporter_type="COMPANY", purpose="WORK", key="R1")

    [alert] = world.fires(RULE, "2026-03-10")

    assert alert.facts["signs"] == ["work_permit", "company_housing", "work_purpose"]
    assert _keys(alert) == [
        ("border-crossing", "BC-A"),
        ("residence-report", "R1"),
        ("work-permit", "RPTKA-1"),
    ]


def test_a_tourist_at_a_hotel_does_not_fire(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.stay(tan, "2026-03-01 20:00", purpose="TOURISM")

    assert world.fires(RULE, "2026-03-10") == []


def test_an_arrival_on_a_stay_permit_does_not_fire(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type="ITAS")
    world.work_permit(tan)

    assert world.fires(RULE, "2026-03-10") == []


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "fires"),
    [
        ("2025-03-01", "2026-02-28", True),  # ended the day before the arrival
        ("2025-03-01", "2026-03-01", False),  # still valid on the arrival day
        ("2026-03-10", "2027-03-09", False),  # starts on D
        ("2026-03-11", "2027-03-10", True),  # starts after D
    ],
)
def test_a_stay_permit_of_another_type_valid_on_a_day_of_the_visit_clears_it(
    world, valid_from, valid_until, fires
):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.work_permit(tan)
    world.permit(tan, permit_type="ITAS", valid_from=valid_from, valid_until=valid_until)

    assert len(world.fires(RULE, "2026-03-10")) == int(fires)


def test_a_cancelled_stay_permit_does_not_clear_it(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.work_permit(tan)
    world.permit(tan, permit_type="ITAS", status="CANCELLED")

    assert len(world.fires(RULE, "2026-03-10")) == 1


def test_a_visit_type_permit_such_as_an_extension_does_not_clear_it(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type="VOA")
    world.work_permit(tan)
    world.permit(
        tan,
        permit_type="VOA",
        visa_index="B1",
        valid_from="2026-03-01",
        valid_until="2026-04-29",
        status="EXTENDED",
        sponsor_id=None,
    )

    assert len(world.fires(RULE, "2026-03-10")) == 1


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "fires"),
    [
        ("2025-03-01", "2026-02-28", False),  # ended the day before the arrival
        ("2025-03-01", "2026-03-01", True),  # ends on the arrival day
        ("2026-03-10", "2027-03-09", True),  # starts on D
        ("2026-03-11", "2027-03-10", False),  # starts after D
    ],
)
def test_a_work_permit_counts_when_its_validity_overlaps_the_visit(
    world, valid_from, valid_until, fires
):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.work_permit(tan, valid_from=valid_from, valid_until=valid_until)

    assert len(world.fires(RULE, "2026-03-10")) == int(fires)


def test_a_cancelled_work_permit_does_not_count(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.work_permit(tan, status="CANCELLED")

    assert world.fires(RULE, "2026-03-10") == []


@pytest.mark.parametrize(
    ("check_in", "fires"),
    [
        ("2026-02-28 23:59", False),  # the day before the arrival
        ("2026-03-01 08:00", True),  # the arrival day, even before the crossing's hour
        ("2026-03-10 23:00", True),  # on D
    ],
)
def test_a_company_report_counts_when_its_check_in_falls_in_the_visit(world, check_in, fires):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.stay(tan, check_in, reporter_type="COMPANY")

    assert len(world.fires(RULE, "2026-03-10")) == int(fires)


def test_a_report_checked_in_after_d_does_not_count(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.stay(tan, "2026-03-11 09:00", purpose="WORK")

    assert world.fires(RULE, "2026-03-10") == []


def test_a_sign_from_an_earlier_visit_does_not_count(world):
    tan = world.person()
    world.arrive(tan, "2026-02-01 10:00")
    world.stay(tan, "2026-02-02", reporter_type="COMPANY")
    world.depart(tan, "2026-02-20 10:00")
    world.arrive(tan, "2026-03-01 10:00")

    assert world.fires(RULE, "2026-03-10") == []


def test_a_visitor_who_left_does_not_fire_and_the_alert_resolves(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.stay(tan, "2026-03-02", purpose="WORK")
    [alert] = world.fires(RULE, "2026-03-05")

    world.depart(tan, "2026-03-06 09:00")
    assert world.fires(RULE, "2026-03-07") == []

    [resolved] = world.alerts(RULE)
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED


def test_as_of_a_day_before_the_departure_it_still_fires(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00")
    world.stay(tan, "2026-03-02", purpose="WORK")
    world.depart(tan, "2026-03-06 09:00")

    assert len(world.fires(RULE, "2026-03-05")) == 1
