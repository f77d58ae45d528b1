"""WORK_MISMATCH: sponsored by one company (E23), employed or housed by another."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from timpora.detection.actions import set_parameter

RULE = "WORK_MISMATCH"
SPONSOR = "8120009876543"
OTHER = "8120001234567"
D = "2026-06-30"


def _kinds(alert):
    return sorted(e["kind"] for e in alert.evidence)


@pytest.fixture
def tan(world):
    """A welder on an E23 stay permit sponsored by SPONSOR, valid all of 2026."""
    tan = world.person()
    world.permit(tan, sponsor_id=SPONSOR, number="IT-1")
    return tan


def test_it_fires_for_a_work_permit_of_another_employer(world, tan):
    world.work_permit(tan, employer_id=OTHER, employer_name="PT Lain")

    [alert] = world.fires(RULE, D)

    assert alert.severity == "MEDIUM"
    assert alert.facts["sponsors"] == [SPONSOR]
    assert alert.facts["employers"] == [OTHER]
    assert alert.facts["housed_by"] == []
    assert _kinds(alert) == ["stay-permit", "work-permit"]
    assert OTHER in alert.explanation_en
    assert SPONSOR in alert.explanation_id
    assert "another employer" in alert.explanation_en


def test_a_work_permit_of_the_sponsor_does_not_fire(world, tan):
    world.work_permit(tan, employer_id=SPONSOR)

    assert world.fires(RULE, D) == []


def test_a_cancelled_work_permit_of_another_employer_does_not_fire(world, tan):
    world.work_permit(tan, employer_id=OTHER, status="CANCELLED")

    assert world.fires(RULE, D) == []


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "fires"),
    [
        ("2026-01-01", "2026-06-29", False),
        ("2026-01-01", "2026-06-30", True),
        ("2026-06-30", "2026-12-31", True),
        ("2026-07-01", "2026-12-31", False),
    ],
)
def test_the_other_work_permit_must_be_valid_at_d(world, tan, valid_from, valid_until, fires):
    world.work_permit(tan, employer_id=OTHER, valid_from=valid_from, valid_until=valid_until)

    assert len(world.fires(RULE, D)) == int(fires)


def test_it_fires_for_housing_by_another_company(world, tan):
    world.stay(tan, "2026-06-01", reporter_type="COMPANY", reporter_id=OTHER, key="R1")

    [alert] = world.fires(RULE, D)

    assert alert.facts["housed_by"] == [OTHER]
    assert alert.facts["employers"] == []
    assert alert.facts["window_days"] == 30
    assert _kinds(alert) == ["residence-report", "stay-permit"]
    assert "last 30 days" in alert.explanation_en


def test_both_contradictions_are_named_together(world, tan):
    world.work_permit(tan, employer_id=OTHER)
    world.stay(tan, "2026-06-01", reporter_type="COMPANY", reporter_id="8120005555555")

    [alert] = world.fires(RULE, D)

    assert alert.facts["employers"] == [OTHER]
    assert alert.facts["housed_by"] == ["8120005555555"]
    assert _kinds(alert) == ["residence-report", "stay-permit", "work-permit"]
    assert "another employer" in alert.explanation_en
    assert "another company" in alert.explanation_en


@pytest.mark.parametrize(
    ("check_out", "fires"),
    [
        ("2026-05-30 10:00", False),  # D - 31
        ("2026-05-31 10:00", True),  # D - 30
        (None, True),  # still there
    ],
)
def test_housing_counts_when_it_overlaps_the_last_30_days(world, tan, check_out, fires):
    world.stay(tan, "2026-05-01", check_out=check_out, reporter_type="COMPANY", reporter_id=OTHER)

    assert len(world.fires(RULE, D)) == int(fires)


def test_housing_that_begins_after_d_does_not_count(world, tan):
    world.stay(tan, "2026-07-01 09:00", reporter_type="COMPANY", reporter_id=OTHER)

    assert world.fires(RULE, D) == []


def test_housing_by_the_sponsor_itself_does_not_fire(world, tan):
    world.stay(tan, "2026-06-01", reporter_type="COMPANY", reporter_id=SPONSOR)

    assert world.fires(RULE, D) == []


def test_a_hotel_is_not_company_housing(world, tan):
    world.stay(tan, "2026-06-01", reporter_type="LODGING", reporter_id=OTHER)

    assert world.fires(RULE, D) == []


def test_a_longer_window_from_a_date_on_is_used_from_that_date(world, tan, cast):
    world.stay(
        tan, "2026-05-01", check_out="2026-05-20 10:00", reporter_type="COMPANY", reporter_id=OTHER
    )
    set_parameter(
        "WORK_HOUSING_WINDOW_DAYS",
        Decimal(60),
        valid_from=date(2026, 6, 30),
        legal_basis="Perubahan (test)",
        actor=cast.dina,
    )

    assert world.fires(RULE, "2026-06-29") == []
    [alert] = world.fires(RULE, D)
    assert alert.facts["window_days"] == 60


@pytest.mark.parametrize(
    "permit",
    [
        {"visa_index": "E31"},  # family, not work
        {"status": "CANCELLED"},
        {"valid_until": "2026-06-29"},  # no longer valid at D
        {"valid_from": "2026-07-01"},  # not yet valid at D
        {"sponsor_id": None},  # no sponsoring company
    ],
)
def test_it_needs_an_e23_permit_sponsored_by_a_company_valid_at_d(world, permit):
    tan = world.person()
    world.permit(tan, **{"sponsor_id": SPONSOR, **permit})
    world.work_permit(tan, employer_id=OTHER)

    assert world.fires(RULE, D) == []


def test_an_unregistered_sponsor_that_also_employs_them_does_not_fire(world):
    tan = world.person()
    world.permit(tan, sponsor_id="8129990000001", sponsor_name="PT Tak Dikenal")
    world.work_permit(tan, employer_id="8129990000001", employer_name="PT Tak Dikenal")

    assert world.fires(RULE, D) == []
