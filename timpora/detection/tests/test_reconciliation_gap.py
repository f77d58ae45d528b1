"""RECONCILIATION_GAP: Disnaker's and Immigration's counts of a company's workers differ by 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from timpora.detection.choices import AlertStatus
from timpora.detection.rules.reconciliation_gap import EVIDENCE_LIMIT

RULE = "RECONCILIATION_GAP"
NIB = "8120009876543"
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


def _workers(world, count, *, permits=0, **work):
    """``count`` people with a work permit of NIB; the first ``permits`` also with an E23."""
    with one_import(world):
        for index in range(count):
            who = world.person(f"WORKER NUMBER {index}")
            world.work_permit(who, employer_id=NIB, **work)
            if index < permits:
                world.permit(who, sponsor_id=NIB)


def _holders(world, count, **permit):
    """``count`` people with an E23 stay permit sponsored by NIB and no work permit."""
    with one_import(world):
        for index in range(count):
            world.permit(world.person(f"HOLDER NUMBER {index}"), sponsor_id=NIB, **permit)


def test_it_fires_when_disnaker_counts_two_more_workers(world):
    world.company(NIB)
    _workers(world, 3, permits=1)

    [alert] = world.fires(RULE, D)

    assert alert.company.company_id == NIB
    assert alert.severity == "LOW"
    assert alert.facts == {"workers": 3, "permits": 1, "difference": 2}
    assert sorted(e["kind"] for e in alert.evidence) == [
        "company",
        "stay-permit",
        "work-permit",
        "work-permit",
        "work-permit",
    ]
    assert "a difference of 2" in alert.explanation_en
    assert "30 Juni 2026" in alert.explanation_id


def test_a_difference_of_one_does_not_fire(world):
    _workers(world, 2, permits=1)

    assert world.fires(RULE, D) == []


def test_it_fires_when_immigration_counts_two_more_permits(world):
    _holders(world, 2)

    [alert] = world.fires(RULE, D)

    assert alert.facts == {"workers": 0, "permits": 2, "difference": 2}


def test_equal_counts_do_not_fire(world):
    _workers(world, 4, permits=4)

    assert world.fires(RULE, D) == []


def test_workers_are_counted_once_whatever_their_work_permits(world):
    tan = world.person()
    world.work_permit(tan, employer_id=NIB, number="RPTKA-1")
    world.work_permit(tan, employer_id=NIB, number="RPTKA-2")

    assert world.fires(RULE, D) == []


def test_e23_permits_are_counted_one_by_one(world):
    tan = world.person()
    world.permit(tan, sponsor_id=NIB, valid_from="2026-01-01")
    world.permit(tan, sponsor_id=NIB, valid_from="2026-02-01")

    [alert] = world.fires(RULE, D)

    assert alert.facts["permits"] == 2


def test_stay_permits_of_another_index_are_not_counted(world):
    _holders(world, 3, visa_index="E28A")

    assert world.fires(RULE, D) == []


@pytest.mark.parametrize(
    "permit",
    [
        {"status": "CANCELLED"},
        {"valid_until": "2026-06-29"},
        {"valid_from": "2026-07-01"},
    ],
)
def test_stay_permits_not_valid_at_d_are_not_counted(world, permit):
    _holders(world, 2, **permit)

    assert world.fires(RULE, D) == []


@pytest.mark.parametrize(
    "work",
    [
        {"status": "CANCELLED"},
        {"valid_until": "2026-06-29"},
        {"valid_from": "2026-07-01"},
    ],
)
def test_work_permits_not_valid_at_d_are_not_counted(world, work):
    _workers(world, 2, **work)

    assert world.fires(RULE, D) == []


@pytest.mark.parametrize(("as_of", "fires"), [("2026-06-30", True), ("2026-07-01", False)])
def test_the_counts_are_those_of_d(world, as_of, fires):
    _holders(world, 2, valid_until="2026-06-30")

    assert len(world.fires(RULE, as_of)) == int(fires)


def test_the_evidence_is_capped_and_the_facts_keep_the_counts(world):
    _workers(world, EVIDENCE_LIMIT + 10, permits=5)

    [alert] = world.fires(RULE, D)

    assert alert.facts == {
        "workers": EVIDENCE_LIMIT + 10,
        "permits": 5,
        "difference": EVIDENCE_LIMIT + 5,
    }
    kinds = [e["kind"] for e in alert.evidence]
    assert len(kinds) == EVIDENCE_LIMIT
    assert kinds.count("company") == 1
    assert kinds.count("stay-permit") == 5


def test_the_alert_resolves_when_the_counts_agree_again(world):
    _holders(world, 2)
    [alert] = world.fires(RULE, D)

    _workers(world, 1)
    world.detect(D, RULE)

    [resolved] = world.alerts(RULE)
    assert resolved.pk == alert.pk
    assert resolved.status == AlertStatus.RESOLVED
