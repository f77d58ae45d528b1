"""OVERSTAY: in the country at D after the authorised stay ended; day 60 against day 61."""

from __future__ import annotations

import pytest

from timpora.detection.choices import AlertStatus


def test_a_visitor_past_the_stay_granted_at_arrival_fires_with_days_and_charge(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")

    [alert] = world.fires("OVERSTAY", "2026-04-04")

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.facts["days_over"] == 5
    assert alert.facts["charge"] == 5_000_000
    assert "Rp 5.000.000" in alert.explanation_id
    assert "Rp 5.000.000" in alert.explanation_en
    assert "30 Maret 2026" in alert.explanation_id
    assert "30 March 2026" in alert.explanation_en
    assert [e["kind"] for e in alert.evidence] == ["border-crossing"]
    assert alert.severity == "HIGH"
    assert {a.code for a in alert.agencies.all()} == {"IMI-BTM"}


def test_the_last_authorised_day_itself_is_no_overstay(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")

    assert world.fires("OVERSTAY", "2026-03-30") == []
    assert len(world.fires("OVERSTAY", "2026-03-31")) == 1


def test_a_visitor_who_left_in_time_does_not_fire(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.depart(tan, "2026-03-29 18:00")

    assert world.fires("OVERSTAY", "2026-04-10") == []


def test_an_extension_of_the_permit_counts(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type="VOA", until="2026-03-30")
    world.permit(
        tan,
        permit_type="VOA",
        visa_index="",
        valid_from="2026-03-01",
        valid_until="2026-04-29",
        status="EXTENDED",
        sponsor_id=None,
    )

    assert world.fires("OVERSTAY", "2026-04-20") == []
    assert world.alerts("OVERSTAY") == []


@pytest.mark.parametrize(
    ("as_of", "days", "over_limit"), [("2026-05-29", 60, False), ("2026-05-30", 61, True)]
)
def test_day_60_against_day_61(world, as_of, days, over_limit):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")

    [alert] = world.fires("OVERSTAY", as_of)

    assert alert.facts["days_over"] == days
    assert alert.facts["over_limit"] is over_limit
    assert ("Pasal 78" in alert.explanation_en) and (
        ("deportation and an entry ban apply" in alert.explanation_en) is over_limit
    )


def test_a_second_run_updates_the_same_alert_and_a_departure_resolves_it(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    [first] = world.fires("OVERSTAY", "2026-04-04")
    [again] = world.fires("OVERSTAY", "2026-04-05")
    assert again.pk == first.pk
    assert again.facts["days_over"] == 6

    world.depart(tan, "2026-04-06 09:00")
    world.detect("2026-04-06", "OVERSTAY")

    [resolved] = world.alerts("OVERSTAY")
    assert resolved.pk == first.pk
    assert resolved.status == AlertStatus.RESOLVED
    assert resolved.ended_reason
