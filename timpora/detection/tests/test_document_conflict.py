"""DOCUMENT_CONFLICT: one passport number (with its issuing state) held by identities that cannot
be one person; the identity known first is the reference, each later one is the subject."""

from __future__ import annotations

from datetime import date

import pytest

from timpora.detection.choices import AlertStatus
from timpora.detection.engine import detect, scope_of_persons
from timpora.matching.actions import decide, match_persons
from timpora.matching.choices import Decision, ReviewKind, ReviewOrigin
from timpora.matching.models import ReviewItem
from timpora.registry.models import IdentityConflict, Person

AS_OF = "2026-06-30"


def holders(number: str) -> list[Person]:
    return list(Person.objects.filter(documents__number_key=number).order_by("pk"))


def test_one_passport_with_two_dates_of_birth_fires_for_the_later_identity(world):
    tan = world.person(passport="K1234567A", date_of_birth="1979-04-12")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.depart(tan, "2026-03-20 10:00")
    other = world.person(passport="K1234567A", date_of_birth="1985-11-30")
    world.arrive(other, "2026-06-01 10:00", until="2026-06-30")
    first, second = holders("K1234567A")

    [alert] = world.fires("DOCUMENT_CONFLICT", AS_OF)

    assert alert.person == second
    assert alert.severity == "HIGH"
    [conflict] = alert.facts["conflicts"]
    assert conflict["earlier_person_id"] == first.pk
    assert conflict["birth_differs"] and not conflict["name_differs"]
    assert "K1234567A (SGP)" in alert.explanation_en
    assert "12 April 1979" in alert.explanation_en and "30 November 1985" in alert.explanation_en
    assert "another date of birth" in alert.explanation_en
    assert "12 April 1979" in alert.explanation_id
    assert sorted(e["key"] for e in alert.evidence) == ["SGP K1234567A", "SGP K1234567A"]
    assert {e["kind"] for e in alert.evidence} == {"travel-document"}


def test_one_passport_with_two_names_fires(world):
    tan = world.person("TAN WEI MING", passport="K1234567A")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    lim = world.person("LIM AH KOW", passport="K1234567A")  # the same date of birth
    world.arrive(lim, "2026-06-01 10:00", until="2026-06-30")
    assert IdentityConflict.objects.count() == 1

    [alert] = world.fires("DOCUMENT_CONFLICT", AS_OF)

    assert alert.person.full_name == "LIM AH KOW"
    [conflict] = alert.facts["conflicts"]
    assert conflict["name_differs"] and not conflict["birth_differs"]
    assert "another name, TAN WEI MING (this one: LIM AH KOW)" in alert.explanation_en


def test_the_same_number_from_another_issuing_state_is_another_passport(world):
    tan = world.person(passport="K1234567A", nationality="SGP")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    lee = world.person("LEE MIN HO", passport="K1234567A", nationality="KOR")
    world.arrive(lee, "2026-06-01 10:00", until="2026-06-30")

    assert world.fires("DOCUMENT_CONFLICT", AS_OF) == []


def test_a_renewed_passport_never_fires(world):
    old = world.person(passport="K1234567A")
    world.arrive(old, "2026-01-05 10:00", until="2026-02-03")
    world.depart(old, "2026-02-01 10:00")
    renewed = world.person(passport="K7654321B")  # the same name and date of birth
    world.arrive(renewed, "2026-06-01 10:00", until="2026-06-30")

    assert world.fires("DOCUMENT_CONFLICT", AS_OF) == []


def test_the_same_identity_again_is_one_person_and_no_conflict(world):
    tan = world.person(passport="K1234567A")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.depart(tan, "2026-03-20 10:00")
    world.arrive(tan, "2026-06-01 10:00", until="2026-06-30")

    assert len(holders("K1234567A")) == 1
    assert world.fires("DOCUMENT_CONFLICT", AS_OF) == []


def test_every_later_identity_is_a_subject_but_not_the_first(world):
    for born in ("1979-04-12", "1985-11-30", "1990-01-01"):
        who = world.person(passport="K1234567A", date_of_birth=born)
        world.arrive(who, "2026-06-01 10:00", until="2026-06-30")
    first, second, third = holders("K1234567A")

    alerts = world.fires("DOCUMENT_CONFLICT", AS_OF)

    assert sorted(a.person_id for a in alerts) == [second.pk, third.pk]
    [last] = [a for a in alerts if a.person_id == third.pk]
    assert [c["earlier_person_id"] for c in last.facts["conflicts"]] == [first.pk, second.pk]
    assert "(and 1 other conflicting identity)" in last.explanation_en
    assert len(last.evidence) == 3


@pytest.mark.parametrize(
    ("later_born", "fires"),
    [
        ("1985-11-30", True),  # another date of birth
        ("1979-04-13", False),  # a typo of the same date
        ("1979-12-04", False),  # day and month swapped
        ("1979", False),  # only the year, and it agrees
        ("1978", True),
    ],
)
def test_dates_of_birth_compared_on_the_documents_alone(world, later_born, fires):
    """With no recorded conflict (as for records linked before conflicts were kept), the rule
    compares the holders' dates of birth itself, forgiving a typo as screening does."""
    tan = world.person(passport="K1234567A", date_of_birth="1979-04-12")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    other = world.person(passport="K1234567A", date_of_birth=later_born)
    world.arrive(other, "2026-06-01 10:00", until="2026-06-30")
    IdentityConflict.objects.all().delete()

    assert bool(world.fires("DOCUMENT_CONFLICT", AS_OF)) is fires


def test_a_recorded_conflict_fires_even_for_a_date_that_differs_as_a_typo(world):
    tan = world.person(passport="K1234567A", date_of_birth="1979-04-12")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    other = world.person(passport="K1234567A", date_of_birth="1979-04-13")
    world.arrive(other, "2026-06-01 10:00", until="2026-06-30")
    assert IdentityConflict.objects.count() == 1  # the importer kept them apart

    [alert] = world.fires("DOCUMENT_CONFLICT", AS_OF)

    [conflict] = alert.facts["conflicts"]
    assert conflict["birth_differs"]
    assert "13 April 1979" in alert.explanation_en


def test_merging_the_two_persons_ends_the_conflict(world, cast):
    tan = world.person(passport="K1234567A", date_of_birth="1979-04-12")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    other = world.person(passport="K1234567A", date_of_birth="1979-04-21")
    world.arrive(other, "2026-06-01 10:00", until="2026-06-30")
    first, second = holders("K1234567A")
    [alert] = world.fires("DOCUMENT_CONFLICT", AS_OF)

    match_persons([first.pk, second.pk])  # raises the conflict for review, as an import does
    item = ReviewItem.objects.get(kind=ReviewKind.SAME, origin=ReviewOrigin.CONFLICT)
    decide(item, Decision.SAME, actor=cast.alice, note="Digits of the day swapped on a form")
    second.refresh_from_db()
    assert second.merged_into == first

    assert world.fires("DOCUMENT_CONFLICT", AS_OF) == []
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_a_conflict_decided_different_people_still_fires(world, cast):
    tan = world.person(passport="K1234567A", date_of_birth="1979-04-12")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    other = world.person("LIM AH KOW", passport="K1234567A", date_of_birth="1985-11-30")
    world.arrive(other, "2026-06-01 10:00", until="2026-06-30")
    first, second = holders("K1234567A")
    match_persons([first.pk, second.pk])
    item = ReviewItem.objects.get(kind=ReviewKind.SAME, origin=ReviewOrigin.CONFLICT)
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Two people, one passport number")

    [alert] = world.fires("DOCUMENT_CONFLICT", AS_OF)
    assert alert.person == second


def test_a_run_after_an_import_finds_the_same_conflict(world):
    tan = world.person(passport="K1234567A", date_of_birth="1979-04-12")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    other = world.person(passport="K1234567A", date_of_birth="1985-11-30")
    world.arrive(other, "2026-06-01 10:00", until="2026-06-30")
    _first, second = holders("K1234567A")

    detect(date(2026, 6, 30), rules=["DOCUMENT_CONFLICT"], scope=scope_of_persons([second.pk]))
    [scoped] = world.alerts("DOCUMENT_CONFLICT")
    [full] = world.fires("DOCUMENT_CONFLICT", AS_OF)

    assert full.pk == scoped.pk and full.person == second
    assert full.evidence_hash == scoped.evidence_hash
