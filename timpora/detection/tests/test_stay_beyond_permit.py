"""STAY_BEYOND_PERMIT: a reported stay checked out after the authorised stay ended."""

from __future__ import annotations

import pytest


def visitor(world, *, until="2026-03-30"):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until=until)
    return tan


def test_a_stay_checked_out_after_the_arrival_grant_fires_with_the_days_beyond(world):
    tan = visitor(world)
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-02 11:00")

    [alert] = world.fires("STAY_BEYOND_PERMIT", "2026-04-05")

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.severity == "MEDIUM"
    assert alert.facts == {
        "checked_out": "2026-04-02",
        "authorised_until": "2026-03-30",
        "days_beyond": 3,
        "stays": 1,
    }
    assert sorted(e["kind"] for e in alert.evidence) == ["border-crossing", "residence-report"]
    assert "2 April 2026" in alert.explanation_en
    assert "30 March 2026" in alert.explanation_en
    assert "3 days after" in alert.explanation_en
    assert "2 April 2026" in alert.explanation_id
    assert "30 Maret 2026" in alert.explanation_id


@pytest.mark.parametrize(("check_out", "fires"), [("2026-03-30", False), ("2026-03-31", True)])
def test_checking_out_on_the_last_authorised_day_is_fine_and_the_day_after_is_not(
    world, check_out, fires
):
    tan = visitor(world)
    world.stay(tan, "2026-03-01 14:00", check_out=f"{check_out} 23:00")

    alerts = world.fires("STAY_BEYOND_PERMIT", "2026-04-10")

    assert len(alerts) == int(fires)
    if fires:
        assert alerts[0].facts["days_beyond"] == 1
        assert "1 day after" in alerts[0].explanation_en


def test_a_stay_still_open_or_checked_out_after_d_is_not_judged_yet(world):
    tan = visitor(world)
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-02 11:00")
    other = world.person("LIM AH KOW", passport="A7654321")
    world.arrive(other, "2026-03-01 10:00", until="2026-03-30")
    world.stay(other, "2026-03-01 14:00")

    assert world.fires("STAY_BEYOND_PERMIT", "2026-04-01") == []
    [alert] = world.fires("STAY_BEYOND_PERMIT", "2026-04-02")
    assert alert.person.full_name == "TAN WEI MING"


def test_a_stay_within_the_grant_does_not_fire(world):
    tan = visitor(world)
    world.stay(tan, "2026-03-01 14:00", check_out="2026-03-20 11:00")

    assert world.fires("STAY_BEYOND_PERMIT", "2026-04-10") == []


def test_an_extension_covering_the_check_out_clears_it(world):
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
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-20 11:00")

    assert world.fires("STAY_BEYOND_PERMIT", "2026-05-01") == []


def test_an_extension_that_falls_short_still_fires_from_its_end(world):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", permit_type="VOA", until="2026-03-30")
    world.permit(
        tan,
        permit_type="VOA",
        visa_index="",
        valid_from="2026-03-01",
        valid_until="2026-04-10",
        status="EXTENDED",
        sponsor_id=None,
    )
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-12 11:00")

    [alert] = world.fires("STAY_BEYOND_PERMIT", "2026-05-01")

    assert alert.facts["authorised_until"] == "2026-04-10"
    assert alert.facts["days_beyond"] == 2


def test_a_new_permit_started_before_the_check_out_clears_it(world):
    tan = visitor(world)
    world.permit(tan, valid_from="2026-03-28", valid_until="2027-03-27")
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-15 11:00")

    assert world.fires("STAY_BEYOND_PERMIT", "2026-05-01") == []


def test_a_permit_started_only_after_the_check_out_does_not_cover_it(world):
    tan = visitor(world)
    world.permit(tan, valid_from="2026-04-20", valid_until="2027-04-19")
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-15 11:00")

    assert len(world.fires("STAY_BEYOND_PERMIT", "2026-05-01")) == 1


def test_a_cancelled_permit_covers_nothing(world):
    tan = visitor(world)
    world.permit(tan, valid_from="2026-03-28", valid_until="2027-03-27", status="CANCELLED")
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-15 11:00")

    assert len(world.fires("STAY_BEYOND_PERMIT", "2026-05-01")) == 1


def test_a_stay_with_no_authorisation_at_its_check_in_is_not_this_lead(world):
    tan = world.person()
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-15 11:00")
    # The arrival is recorded only after the check-in: nothing held at the check-in.
    world.arrive(tan, "2026-03-05 10:00", until="2026-03-30")

    assert world.fires("STAY_BEYOND_PERMIT", "2026-05-01") == []


def test_a_resident_within_the_itas_does_not_fire(world):
    tan = world.person()
    world.permit(tan, valid_from="2026-01-01", valid_until="2026-12-31")
    world.stay(tan, "2026-02-01 14:00", check_out="2026-06-30 11:00", reporter_type="COMPANY")

    assert world.fires("STAY_BEYOND_PERMIT", "2026-07-10") == []


def test_every_offending_stay_is_evidence_of_one_alert_and_the_latest_gives_the_figures(world):
    tan = visitor(world)
    world.stay(tan, "2026-03-01 14:00", check_out="2026-04-02 11:00", reporter_id="9120001112223")
    world.stay(
        tan,
        "2026-04-02 14:00",
        check_out="2026-04-09 10:00",
        reporter_id="9120001119999",
        reporter_name="Kost Melati",
        address="Jl. Melati 3",
    )
    world.stay(
        tan,
        "2026-03-01 14:00",
        check_out="2026-03-10 11:00",
        reporter_id="9120007770001",
        reporter_name="Villa Nongsa",
        address="Nongsa",
    )

    [alert] = world.fires("STAY_BEYOND_PERMIT", "2026-04-20")

    assert alert.facts["checked_out"] == "2026-04-09"
    assert alert.facts["days_beyond"] == 10
    assert alert.facts["stays"] == 2
    kinds = sorted(e["kind"] for e in alert.evidence)
    assert kinds == ["border-crossing", "residence-report", "residence-report"]
    assert "2 reported stays" in alert.explanation_en
