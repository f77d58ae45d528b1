"""SPONSOR_ANOMALY: a sponsor unknown to the company registry, or whose foreigners draw alerts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from timpora.detection.choices import AlertStatus
from timpora.detection.rules.sponsor_anomaly import EVIDENCE_LIMIT

RULE = "SPONSOR_ANOMALY"
NIB = "8120009876543"
OTHER = "8120001234567"
D = "2026-06-30"


@contextmanager
def one_import(world) -> Iterator[None]:
    """Collect the rows written inside the block and record them as one batch per kind."""
    rows: dict[str, list[dict]] = {}

    def add(kind, row):
        rows.setdefault(kind, []).append({k: v for k, v in row.items() if v is not None})
        return row

    world.add = add
    try:
        yield
    finally:
        del world.add
    for kind, batch in rows.items():
        world.facts.add(kind, batch, source=world.source)


def _sponsored(world, holders, *, alerted=0, **permit):
    """``holders`` people on an E23 permit sponsored by NIB; the first ``alerted`` of them also
    hold a work permit of another employer (a WORK_MISMATCH alert once that rule runs)."""
    people = []
    with one_import(world):
        for index in range(holders):
            who = world.person(f"HOLDER NUMBER {index}", passport=f"PH{index:06d}")
            world.permit(who, sponsor_id=NIB, **permit)
            if index < alerted:
                world.work_permit(
                    who, employer_id=OTHER, employer_name="PT Lain", number=f"RPTKA-{index}"
                )
            people.append(who)
    return people


def _fires(world, *rules):
    world.detect(D, *rules, RULE)
    return [a for a in world.alerts(RULE) if a.status != AlertStatus.RESOLVED]


# --- A sponsor unknown to the company registry ---------------------------------------------


def test_it_fires_for_a_sponsor_unknown_to_the_company_registry(world):
    _sponsored(world, 1)

    [alert] = _fires(world)

    assert alert.company.company_id == NIB
    assert alert.severity == "MEDIUM"
    assert alert.facts["unknown"] is True
    assert alert.facts["alert_share"] is False
    assert sorted(e["kind"] for e in alert.evidence) == ["company", "stay-permit"]
    assert "unknown to the company registry" in alert.explanation_en
    assert "30 Juni 2026" in alert.explanation_id


def test_a_sponsor_in_the_company_registry_does_not_fire(world):
    world.company(NIB)
    _sponsored(world, 1)

    assert _fires(world) == []


def test_a_company_record_that_arrives_later_clears_it(world):
    _sponsored(world, 1)
    [alert] = _fires(world)

    world.company(NIB)

    assert _fires(world) == []
    [resolved] = world.alerts(RULE)
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED


@pytest.mark.parametrize(
    "permit",
    [
        {"status": "CANCELLED"},
        {"valid_until": "2026-06-29"},
        {"valid_from": "2026-07-01"},
    ],
)
def test_an_unknown_sponsor_without_a_permit_valid_at_d_does_not_fire(world, permit):
    _sponsored(world, 1, **permit)

    assert _fires(world) == []


def test_a_company_known_only_as_an_employer_does_not_fire(world):
    world.work_permit(world.person(), employer_id=OTHER, employer_name="PT Lain")

    assert _fires(world) == []


# --- A sponsor whose foreigners draw alerts ---------------------------------------------------


def test_it_fires_when_most_holders_of_five_permits_have_alerts(world):
    world.company(NIB)
    _sponsored(world, 5, alerted=3)

    [alert] = _fires(world, "WORK_MISMATCH")

    assert alert.facts["unknown"] is False
    assert alert.facts["alert_share"] is True
    assert (alert.facts["permits"], alert.facts["holders"], alert.facts["alerted"]) == (5, 5, 3)
    assert alert.facts["percent"] == 60
    assert sorted(e["kind"] for e in alert.evidence) == ["company"] + ["stay-permit"] * 5
    assert "3 of the 5 holders (60%)" in alert.explanation_en


@pytest.mark.parametrize(("permits", "fires"), [(4, False), (5, True)])
def test_it_needs_at_least_five_permits(world, permits, fires):
    world.company(NIB)
    _sponsored(world, permits, alerted=permits)

    assert len(_fires(world, "WORK_MISMATCH")) == int(fires)


@pytest.mark.parametrize(("alerted", "fires"), [(49, False), (50, True)])
def test_49_percent_of_holders_does_not_fire_and_50_does(world, alerted, fires):
    world.company(NIB)
    _sponsored(world, 100, alerted=alerted)

    found = _fires(world, "WORK_MISMATCH")

    assert len(world.alerts("WORK_MISMATCH")) == alerted
    assert len(found) == int(fires)
    if fires:
        [alert] = found
        assert alert.facts["percent"] == 50
        assert alert.facts["permits"] == 100
        assert len(alert.evidence) == EVIDENCE_LIMIT


def test_the_share_is_of_distinct_holders_not_of_permits(world):
    world.company(NIB)
    first, second, third, _ = _sponsored(world, 4)
    world.permit(first, sponsor_id=NIB, valid_from="2026-02-01")  # a fifth permit, same holder
    for who in (second, third):  # 2 of 4 holders (50 %), though only 2 of 5 permits (40 %)
        world.work_permit(who, employer_id=OTHER, employer_name="PT Lain")

    [alert] = _fires(world, "WORK_MISMATCH")

    assert (alert.facts["permits"], alert.facts["holders"], alert.facts["alerted"]) == (5, 4, 2)


def test_alerts_of_other_rules_do_not_count(world):
    world.company(NIB)
    _sponsored(world, 5)  # E23 holders without a work permit: WORK_PERMIT_LAPSED alerts

    assert _fires(world, "WORK_PERMIT_LAPSED") == []
    assert len(world.alerts("WORK_PERMIT_LAPSED")) == 5


def test_an_unknown_sponsor_with_alerted_holders_names_both(world):
    _sponsored(world, 5, alerted=5)

    [alert] = _fires(world, "WORK_MISMATCH")

    assert alert.facts["unknown"] is True
    assert alert.facts["alert_share"] is True
    assert "unknown to the company registry" in alert.explanation_en
    assert "5 of their 5 holders (100%)" in alert.explanation_en


def test_it_resolves_in_the_run_that_resolves_the_holders_alerts(world):
    world.company(NIB)
    _sponsored(world, 5, alerted=3)
    [alert] = _fires(world, "WORK_MISMATCH")

    # The other employer cancels its work permits: WORK_MISMATCH resolves, then this rule.
    with one_import(world):
        for index in range(3):
            world.work_permit(
                world.person(f"HOLDER NUMBER {index}", passport=f"PH{index:06d}"),
                employer_id=OTHER,
                employer_name="PT Lain",
                status="CANCELLED",
                number=f"RPTKA-{index}",
            )

    assert _fires(world, "WORK_MISMATCH") == []
    assert all(a.status == AlertStatus.RESOLVED for a in world.alerts("WORK_MISMATCH"))
    [resolved] = world.alerts(RULE)
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED
