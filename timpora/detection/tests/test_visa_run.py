"""VISA_RUN: 3+ consecutive BVK/VOA visits of 25+ days, at most 3 days apart, in 180 days."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from timpora.detection.actions import set_parameter

D = "2026-07-01"


def trips(world, who, *visits, permit_type="BVK"):
    """``visits``: (arrival day, departure day or None); each a 30-day BVK grant by default."""
    for arrived, left in visits:
        until = (date.fromisoformat(arrived) + timedelta(days=29)).isoformat()
        world.arrive(who, f"{arrived} 09:00", permit_type=permit_type, until=until)
        if left:
            world.depart(who, f"{left} 17:00")


def run(world, who=None, *, stays=(28, 28, 28), gaps=(2, 2), start="2026-03-01", **kwargs):
    """Visits of ``stays`` days separated by ``gaps`` days outside, the first arriving ``start``."""
    who = who or world.person()
    day = date.fromisoformat(start)
    visits = []
    for i, length in enumerate(stays):
        left = day + timedelta(days=length)
        visits.append((day.isoformat(), left.isoformat()))
        if i < len(gaps):
            day = left + timedelta(days=gaps[i])
    trips(world, who, *visits, **kwargs)
    return who


def test_three_long_visits_with_short_hops_fire_with_the_figures_and_every_crossing(world):
    run(world, stays=(28, 29, 27), gaps=(2, 1))

    [alert] = world.fires("VISA_RUN", D)

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.severity == "MEDIUM"
    assert alert.facts == {
        "visits": 3,
        "first_arrival": "2026-03-01",
        "last_day": "2026-05-27",
        "still_here": False,
        "shortest_days": 27,
        "widest_gap_days": 2,
    }
    kinds = [e["kind"] for e in alert.evidence]
    assert kinds == ["border-crossing"] * 6
    assert "3 consecutive" in alert.explanation_en
    assert "1 March 2026" in alert.explanation_en
    assert "27 May 2026" in alert.explanation_en
    assert "at most 2 days outside" in alert.explanation_en
    assert "27 Mei 2026" in alert.explanation_id


def test_two_long_visits_do_not_fire(world):
    run(world, stays=(28, 28), gaps=(2,))

    assert world.fires("VISA_RUN", D) == []


@pytest.mark.parametrize(("gap", "fires"), [(3, True), (4, False)])
def test_a_gap_of_3_days_continues_the_run_and_4_breaks_it(world, gap, fires):
    run(world, gaps=(2, gap))

    assert len(world.fires("VISA_RUN", D)) == int(fires)


@pytest.mark.parametrize(("length", "fires"), [(25, True), (24, False)])
def test_a_visit_of_25_days_counts_and_24_breaks_the_run(world, length, fires):
    run(world, stays=(28, length, 28))

    assert len(world.fires("VISA_RUN", D)) == int(fires)


def test_a_weekend_visitor_with_many_short_trips_never_fires(world):
    tan = world.person()
    day = date(2026, 1, 2)
    visits = []
    while day < date(2026, 6, 28):
        visits.append((day.isoformat(), (day + timedelta(days=2)).isoformat()))
        day += timedelta(days=7)
    trips(world, tan, *visits)

    assert world.fires("VISA_RUN", D) == []


def test_a_visit_still_going_counts_up_to_d(world):
    tan = world.person()
    trips(
        world, tan, ("2026-04-01", "2026-04-29"), ("2026-05-01", "2026-05-28"), ("2026-05-30", None)
    )

    assert world.fires("VISA_RUN", "2026-06-23") == []  # the open visit is 24 days long
    [alert] = world.fires("VISA_RUN", "2026-06-24")  # 25 days

    assert alert.facts["still_here"] is True
    assert alert.facts["last_day"] == "2026-06-24"
    assert alert.facts["shortest_days"] == 25
    assert len(alert.evidence) == 5
    assert "still going" in alert.explanation_en


def test_crossings_after_d_are_not_known_yet(world):
    tan = world.person()
    trips(world, tan, ("2026-04-01", "2026-04-29"), ("2026-05-01", "2026-05-28"))
    trips(world, tan, ("2026-05-30", "2026-06-28"))

    assert world.fires("VISA_RUN", "2026-05-29") == []


@pytest.mark.parametrize(("as_of", "fires"), [("2026-07-01", True), ("2026-07-02", False)])
def test_the_first_visit_must_arrive_within_180_days(world, as_of, fires):
    # 2 January is 180 days before 1 July and 181 days before 2 July.
    run(world, start="2026-01-02")

    assert len(world.fires("VISA_RUN", as_of)) == int(fires)


def test_visa_on_arrival_and_visa_free_visits_mix_in_one_run(world):
    tan = world.person()
    trips(world, tan, ("2026-03-01", "2026-03-29"))
    trips(world, tan, ("2026-03-31", "2026-04-28"), permit_type="VOA")
    trips(world, tan, ("2026-04-30", "2026-05-28"))

    assert len(world.fires("VISA_RUN", D)) == 1


@pytest.mark.parametrize("permit_type", ["ITK", "ITAS"])
def test_visits_on_other_permits_do_not_make_a_run(world, permit_type):
    run(world, permit_type=permit_type)

    assert world.fires("VISA_RUN", D) == []


def test_a_visit_on_another_permit_in_between_breaks_the_run(world):
    tan = world.person()
    trips(world, tan, ("2026-02-01", "2026-03-01"), ("2026-03-03", "2026-03-31"))
    trips(world, tan, ("2026-04-02", "2026-04-30"), permit_type="ITK")
    trips(world, tan, ("2026-05-02", "2026-05-30"))

    assert world.fires("VISA_RUN", D) == []


def test_an_unrecorded_departure_breaks_the_run(world):
    tan = world.person()
    trips(world, tan, ("2026-03-01", "2026-03-29"))
    world.arrive(tan, "2026-03-31 09:00", until="2026-04-29")  # no departure recorded
    trips(world, tan, ("2026-05-01", "2026-05-29"))

    assert world.fires("VISA_RUN", D) == []


def test_the_longest_run_is_reported(world):
    tan = run(world, stays=(28, 28, 28, 26), gaps=(2, 3, 1), start="2026-02-01")

    [alert] = world.fires("VISA_RUN", D)

    assert alert.facts["visits"] == 4
    assert alert.facts["shortest_days"] == 26
    assert alert.facts["widest_gap_days"] == 3
    assert len(alert.evidence) == 8
    assert tan["full_name"] == alert.person.full_name


def test_two_visits_are_enough_when_the_coordinator_says_so(world, cast):
    run(world, stays=(28, 28), gaps=(2,))
    set_parameter(
        "VISA_RUN_MIN_VISITS",
        Decimal(2),
        valid_from=date(2026, 6, 1),
        legal_basis="Kebijakan operasional (test)",
        actor=cast.dina,
    )

    assert world.fires("VISA_RUN", "2026-05-31") == []
    assert len(world.fires("VISA_RUN", D)) == 1
