"""Merging two persons who both have alerts: one live alert per rule and person still holds."""

from __future__ import annotations

from timpora.detection.choices import AlertStatus
from timpora.detection.models import Alert
from timpora.matching.actions import decide
from timpora.matching.choices import ReviewKind, ReviewOrigin
from timpora.matching.models import ReviewItem
from timpora.registry.models import Person


def _same(world, first: Person, second: Person) -> None:
    item = ReviewItem.objects.create(
        kind=ReviewKind.SAME,
        origin=ReviewOrigin.LINKING,
        agency=world.cast.imigrasi,
        person=first,
        other_person=second,
        score=0.95,
        algorithm="test",
    )
    decide(item, "SAME", actor=world.cast.alice)


def test_merging_two_overstayers_keeps_one_live_alert_and_resolves_the_other(world):
    a = world.person("TAN WEI MING")
    b = world.person("TAN WEI MING")
    world.arrive(a, "2026-03-01 10:00", until="2026-03-30")
    world.arrive(b, "2026-03-02 10:00", until="2026-03-31")
    world.detect("2026-04-10", "OVERSTAY")
    first, second = Person.objects.order_by("pk")
    assert Alert.objects.filter(rule="OVERSTAY", status="NEW").count() == 2

    _same(world, first, second)

    kept = Alert.objects.get(person=first)
    stayed = Alert.objects.get(person=second)  # could not move: the survivor has one
    assert kept.status == stayed.status == AlertStatus.NEW
    world.detect("2026-04-11", "OVERSTAY")
    kept.refresh_from_db()
    stayed.refresh_from_db()
    assert kept.status == AlertStatus.NEW
    assert stayed.status == AlertStatus.RESOLVED  # the merged person is no longer evaluated


def test_an_alert_of_the_merged_person_moves_to_the_survivor_when_it_has_none(world):
    a = world.person("TAN WEI MING")
    b = world.person("TAN WEI MING")
    world.arrive(a, "2026-03-01 10:00", until="2026-12-30")
    world.arrive(b, "2026-03-02 10:00", until="2026-03-31")
    world.detect("2026-04-10", "OVERSTAY")
    first, second = Person.objects.order_by("pk")
    [alert] = Alert.objects.filter(rule="OVERSTAY")
    assert alert.person_id == second.pk

    _same(world, first, second)

    alert.refresh_from_db()
    assert alert.person_id == first.pk
