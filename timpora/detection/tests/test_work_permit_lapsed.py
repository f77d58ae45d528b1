"""WORK_PERMIT_LAPSED: an E23 worker in the country with no work permit in force at D."""

from __future__ import annotations

import pytest

from timpora.detection.choices import AlertStatus

RULE = "WORK_PERMIT_LAPSED"
D = "2026-06-30"


@pytest.fixture
def tan(world):
    """A welder with an E23 ITAS valid all of 2026, living in Batam (no crossing on record)."""
    tan = world.person()
    world.permit(tan)
    return tan


def test_it_fires_for_a_worker_without_a_work_permit(world, tan):
    [alert] = world.fires(RULE, D)

    assert alert.severity == "MEDIUM"
    assert alert.facts == {"reason": "no_work_permit", "paid_until": None}
    assert [e["kind"] for e in alert.evidence] == ["stay-permit"]
    assert "no work permit (RPTKA)" in alert.explanation_en
    assert "30 June 2026" in alert.explanation_en
    assert "30 Juni 2026" in alert.explanation_id


def test_a_work_permit_valid_at_d_with_unknown_levy_payment_does_not_fire(world, tan):
    world.work_permit(tan)

    assert world.fires(RULE, D) == []


@pytest.mark.parametrize(("paid_until", "fires"), [("2026-06-30", False), ("2026-06-29", True)])
def test_a_levy_paid_until_d_is_in_force_and_until_the_day_before_is_not(
    world, tan, paid_until, fires
):
    world.work_permit(tan, dkptka_paid_until=paid_until)

    found = world.fires(RULE, D)

    assert len(found) == int(fires)
    if fires:
        [alert] = found
        assert alert.facts == {"reason": "levy_unpaid", "paid_until": "2026-06-29"}
        assert sorted(e["kind"] for e in alert.evidence) == ["stay-permit", "work-permit"]
        assert "29 June 2026" in alert.explanation_en
        assert "DKPTKA" in alert.explanation_en


def test_one_paid_work_permit_among_several_is_enough(world, tan):
    world.work_permit(tan, dkptka_paid_until="2026-03-31")
    world.work_permit(tan, dkptka_paid_until="2026-12-31", employer_id="8120001234567")

    assert world.fires(RULE, D) == []


def test_every_work_permit_unpaid_fires_with_the_latest_payment(world, tan):
    world.work_permit(tan, dkptka_paid_until="2026-03-31")
    world.work_permit(tan, dkptka_paid_until="2026-05-31", employer_id="8120001234567")

    [alert] = world.fires(RULE, D)

    assert alert.facts["paid_until"] == "2026-05-31"
    assert len(alert.evidence) == 3


def test_a_cancelled_work_permit_counts_as_none(world, tan):
    world.work_permit(tan, status="CANCELLED", dkptka_paid_until="2026-12-31")

    [alert] = world.fires(RULE, D)

    assert alert.facts["reason"] == "no_work_permit"


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "fires"),
    [
        ("2025-07-01", "2026-06-29", True),
        ("2025-07-01", "2026-06-30", False),
        ("2026-06-30", "2027-06-29", False),
        ("2026-07-01", "2027-06-30", True),
    ],
)
def test_the_work_permit_must_be_valid_at_d(world, tan, valid_from, valid_until, fires):
    world.work_permit(tan, valid_from=valid_from, valid_until=valid_until)

    assert len(world.fires(RULE, D)) == int(fires)


def test_a_worker_who_left_the_country_does_not_fire(world, tan):
    world.arrive(tan, "2026-01-05 10:00", permit_type="ITAS")
    world.depart(tan, "2026-06-20 10:00")

    assert world.fires(RULE, D) == []


def test_a_worker_back_in_the_country_fires(world, tan):
    world.depart(tan, "2026-06-20 10:00")
    world.arrive(tan, "2026-06-25 10:00", permit_type="ITAS")

    assert len(world.fires(RULE, D)) == 1


@pytest.mark.parametrize(
    "permit",
    [
        {"visa_index": "E31"},  # family
        {"status": "CANCELLED"},
        {"valid_until": "2026-06-29"},
        {"valid_from": "2026-07-01"},
    ],
)
def test_it_needs_an_e23_stay_permit_valid_at_d(world, permit):
    tan = world.person()
    world.arrive(tan, "2026-01-05 10:00", permit_type="ITAS")
    world.permit(tan, **permit)

    assert world.fires(RULE, D) == []


def test_a_new_work_permit_resolves_the_alert(world, tan):
    [alert] = world.fires(RULE, D)

    world.work_permit(tan, valid_from="2026-06-30")
    world.detect(D, RULE)

    [resolved] = world.alerts(RULE)
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED
