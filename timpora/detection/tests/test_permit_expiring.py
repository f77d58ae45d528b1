"""PERMIT_EXPIRING: in the country with an ITAS or ITAP ending within 30 days and no renewal."""

from __future__ import annotations

import pytest

from timpora.detection.choices import AlertStatus

D = "2026-06-01"


def resident(world, *, permit_type="ITAS", valid_until="2026-07-01", **extra):
    tan = world.person()
    world.arrive(tan, "2025-07-01 10:00", permit_type=permit_type)
    world.permit(
        tan,
        permit_type=permit_type,
        valid_from="2025-07-01",
        valid_until=valid_until,
        **extra,
    )
    return tan


def test_an_itas_ending_within_the_notice_fires_with_the_date_and_days_left(world):
    resident(world, valid_until="2026-06-13")

    [alert] = world.fires("PERMIT_EXPIRING", D)

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.severity == "LOW"
    assert alert.facts == {"permit_type": "ITAS", "valid_until": "2026-06-13", "days_left": 12}
    assert "13 June 2026" in alert.explanation_en
    assert "in 12 days" in alert.explanation_en
    assert "13 Juni 2026" in alert.explanation_id
    assert [e["kind"] for e in alert.evidence] == ["stay-permit"]


@pytest.mark.parametrize(("valid_until", "fires"), [("2026-07-01", True), ("2026-07-02", False)])
def test_day_30_fires_and_day_31_does_not(world, valid_until, fires):
    resident(world, valid_until=valid_until)

    assert len(world.fires("PERMIT_EXPIRING", D)) == int(fires)


def test_an_itap_ending_soon_fires_too(world):
    resident(world, permit_type="ITAP", valid_until="2026-06-20", visa_index="")

    [alert] = world.fires("PERMIT_EXPIRING", D)

    assert alert.facts["permit_type"] == "ITAP"


def test_the_last_day_of_the_permit_still_fires_and_the_day_after_does_not(world):
    resident(world, valid_until=D)

    [alert] = world.fires("PERMIT_EXPIRING", D)
    assert alert.facts["days_left"] == 0
    assert "ends today" in alert.explanation_en

    # The day after, the permit is no longer valid: that is OVERSTAY's business.
    assert world.fires("PERMIT_EXPIRING", "2026-06-02") == []


def test_a_holder_without_any_crossing_counts_as_in_the_country(world):
    tan = world.person()
    world.permit(tan, valid_from="2025-07-01", valid_until="2026-06-10")

    assert len(world.fires("PERMIT_EXPIRING", D)) == 1


def test_a_holder_who_has_left_does_not_fire(world):
    tan = resident(world, valid_until="2026-06-10")
    world.depart(tan, "2026-05-30 08:00")

    assert world.fires("PERMIT_EXPIRING", D) == []


def test_a_visit_permit_ending_soon_does_not_fire(world):
    tan = world.person()
    world.arrive(tan, "2026-05-20 10:00", permit_type="VOA", until="2026-06-18")
    world.permit(
        tan,
        permit_type="VOA",
        visa_index="",
        valid_from="2026-05-20",
        valid_until="2026-06-18",
        sponsor_id=None,
    )

    assert world.fires("PERMIT_EXPIRING", D) == []


def test_a_cancelled_permit_does_not_fire(world):
    resident(world, valid_until="2026-06-10", status="CANCELLED")

    assert world.fires("PERMIT_EXPIRING", D) == []


def test_a_renewal_starting_later_and_ending_later_clears_it(world):
    tan = resident(world, valid_until="2026-06-10")
    world.permit(tan, valid_from="2026-06-11", valid_until="2027-06-10")

    assert world.fires("PERMIT_EXPIRING", D) == []


def test_a_cancelled_renewal_does_not_count(world):
    tan = resident(world, valid_until="2026-06-10")
    world.permit(tan, valid_from="2026-06-11", valid_until="2027-06-10", status="CANCELLED")

    assert len(world.fires("PERMIT_EXPIRING", D)) == 1


def test_an_older_permit_ending_later_is_no_renewal(world):
    tan = resident(world, valid_until="2026-06-10")
    # Started before the expiring one: not a renewal of it, even though it ends later.
    world.permit(
        tan, permit_type="ITAP", visa_index="", valid_from="2025-01-01", valid_until="2026-06-30"
    )

    [alert] = world.fires("PERMIT_EXPIRING", D)

    assert alert.facts["valid_until"] == "2026-06-10"
    assert len(alert.evidence) == 2


def test_an_extension_of_the_same_permit_resolves_the_alert(world):
    tan = world.person()
    world.arrive(tan, "2025-07-01 10:00", permit_type="ITAS")
    world.permit(tan, valid_from="2025-07-01", valid_until="2026-06-10", number="KITAS-1")
    [alert] = world.fires("PERMIT_EXPIRING", D)

    world.permit(
        tan,
        valid_from="2025-07-01",
        valid_until="2027-06-10",
        status="EXTENDED",
        number="KITAS-1",
    )
    world.detect(D, "PERMIT_EXPIRING")

    [resolved] = world.alerts("PERMIT_EXPIRING")
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED
