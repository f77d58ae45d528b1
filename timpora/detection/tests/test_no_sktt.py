"""NO_SKTT: an ITAS valid at D issued more than 14 days ago and no SKTT since it took effect."""

from __future__ import annotations

import pytest

from timpora.detection.choices import AlertStatus


def itas(world, who=None, **extra):
    who = who or world.person()
    world.permit(who, valid_from="2026-03-01", valid_until="2027-02-28", **extra)
    return who


def test_an_itas_holder_without_sktt_fires_with_the_issue_date_and_days(world):
    itas(world)

    [alert] = world.fires("NO_SKTT", "2026-03-21")

    assert alert.person.full_name == "TAN WEI MING"
    assert alert.severity == "LOW"
    assert alert.facts == {
        "issued": "2026-03-01",
        "valid_from": "2026-03-01",
        "days": 20,
        "limit": 14,
    }
    assert [e["kind"] for e in alert.evidence] == ["stay-permit"]
    assert "1 March 2026" in alert.explanation_en
    assert "20 days ago" in alert.explanation_en
    assert "within 14 days" in alert.explanation_en
    assert "Perpres 96/2018" in alert.explanation_en
    assert "1 Maret 2026" in alert.explanation_id


@pytest.mark.parametrize(("as_of", "fires"), [("2026-03-15", False), ("2026-03-16", True)])
def test_day_14_does_not_fire_and_day_15_does(world, as_of, fires):
    itas(world)

    assert len(world.fires("NO_SKTT", as_of)) == int(fires)


@pytest.mark.parametrize(("as_of", "fires"), [("2026-03-06", False), ("2026-03-07", True)])
def test_the_issue_date_counts_when_the_permit_gives_one(world, as_of, fires):
    itas(world, issued_on="2026-02-20")

    alerts = world.fires("NO_SKTT", as_of)

    assert len(alerts) == int(fires)
    if fires:
        assert alerts[0].facts["issued"] == "2026-02-20"
        assert alerts[0].facts["days"] == 15


@pytest.mark.parametrize("issued_on", ["2026-03-01", "2026-04-10"])
def test_an_sktt_issued_on_or_after_the_start_clears_it_even_late(world, issued_on):
    tan = itas(world)
    world.registration(tan, issued_on)

    assert world.fires("NO_SKTT", "2026-05-01") == []


def test_an_sktt_issued_before_the_permit_started_does_not_count(world):
    tan = itas(world)
    world.registration(tan, "2026-02-28")

    assert len(world.fires("NO_SKTT", "2026-05-01")) == 1


def test_a_ktp_el_is_not_an_sktt(world):
    tan = itas(world)
    world.registration(tan, "2026-03-05", registration_type="KTP_EL")

    assert len(world.fires("NO_SKTT", "2026-05-01")) == 1


@pytest.mark.parametrize(
    "permit",
    [
        {"permit_type": "ITAP", "visa_index": ""},
        {"status": "CANCELLED"},
    ],
)
def test_an_itap_or_a_cancelled_itas_does_not_fire(world, permit):
    itas(world, **permit)

    assert world.fires("NO_SKTT", "2026-05-01") == []


def test_an_itas_that_ended_before_d_does_not_fire(world):
    tan = world.person()
    world.permit(tan, valid_from="2025-03-01", valid_until="2026-02-28")

    assert world.fires("NO_SKTT", "2026-05-01") == []


def test_a_new_itas_needs_a_new_sktt(world):
    tan = world.person()
    world.permit(tan, valid_from="2025-03-01", valid_until="2026-02-28")
    world.registration(tan, "2025-03-05")
    itas(world, tan)

    [alert] = world.fires("NO_SKTT", "2026-05-01")

    assert alert.facts["valid_from"] == "2026-03-01"


def test_an_extension_of_the_same_itas_keeps_its_sktt(world):
    tan = world.person()
    world.permit(tan, valid_from="2025-03-01", valid_until="2026-02-28", number="KITAS-7")
    world.registration(tan, "2025-03-05")
    world.permit(
        tan, valid_from="2025-03-01", valid_until="2027-02-28", status="EXTENDED", number="KITAS-7"
    )

    assert world.fires("NO_SKTT", "2026-05-01") == []


def test_a_late_sktt_resolves_the_alert(world):
    tan = itas(world)
    [alert] = world.fires("NO_SKTT", "2026-03-20")

    world.registration(tan, "2026-03-21")
    world.detect("2026-03-22", "NO_SKTT")

    [resolved] = world.alerts("NO_SKTT")
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED
