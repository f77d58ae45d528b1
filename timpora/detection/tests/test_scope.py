"""What an import puts in scope: its persons, the places that matter, their companies."""

from __future__ import annotations

from datetime import date

from timpora.detection.engine import scope_of_persons
from timpora.registry.models import Company, Person, Place


def test_a_person_brings_recent_places_and_their_sponsor(world):
    tan = world.person()
    world.stay(
        tan,
        "2026-01-03 14:00",
        check_out="2026-01-05 10:00",
        reporter_id="1111111111111",
        address="Old Inn",
    )
    world.stay(tan, "2026-06-20 14:00", reporter_id="2222222222222", address="New Inn")
    world.permit(tan, sponsor_id="8120009876543")
    person = Person.objects.get()

    scope = scope_of_persons([person.pk], places_since=date(2026, 6, 1))

    assert scope.person_ids == {person.pk}
    assert scope.place_ids == {Place.objects.get(address="New Inn").pk}  # the old stay ended
    assert scope.company_ids == {Company.objects.get(company_id="8120009876543").pk}


def test_an_import_of_another_kind_leaves_the_places_out(world):
    tan = world.person()
    world.stay(tan, "2026-06-20 14:00")
    person = Person.objects.get()

    assert scope_of_persons([person.pk], with_places=False).place_ids == frozenset()
    assert len(scope_of_persons([person.pk]).place_ids) == 1
