from __future__ import annotations

import pytest

from timpora.registry.models import BorderCrossing, FactRevision, Person, StayPermit
from timpora.testing import NGUYEN, TAN, ZHANG, crossing, stay_permit


def test_it_links_records_with_the_same_passport_to_one_person(cast, facts):
    facts.add(
        "border-crossing",
        [
            crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00"),
            crossing(TAN, "BC-2", "DEPARTURE", "2026-03-03T12:30:00+07:00"),
        ],
        source=cast.imigrasi,
    )
    assert Person.objects.count() == 1
    assert BorderCrossing.objects.filter(person__full_name="TAN WEI MING").count() == 2


def test_it_changes_nothing_when_the_same_rows_come_again(cast, facts):
    rows = [crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00")]
    facts.add("border-crossing", rows, source=cast.imigrasi)
    again = facts.add("border-crossing", rows, source=cast.imigrasi)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert BorderCrossing.objects.count() == 1


def test_it_keeps_the_earlier_validity_when_a_permit_is_extended(cast, facts):
    facts.add("stay-permit", [stay_permit(NGUYEN, "2C21AB0012-X")], source=cast.imigrasi)
    result = facts.add(
        "stay-permit",
        [stay_permit(NGUYEN, "2C21AB0012-X", valid_until="2027-12-31", status="EXTENDED")],
        source=cast.imigrasi,
    )
    permit = StayPermit.objects.get()
    assert result.updated == 1
    assert permit.valid_until.isoformat() == "2027-12-31"
    assert permit.revision == 2
    earlier = FactRevision.objects.get(kind="stay-permit", fact_id=permit.pk)
    assert earlier.values["valid_until"] == "2026-12-31"


def test_it_keeps_a_same_number_passport_with_another_birth_date_as_another_person(cast, facts):
    facts.add("stay-permit", [stay_permit(ZHANG, "P-1")], source=cast.imigrasi)
    other = {**ZHANG, "date_of_birth": "1990-01-01"}
    facts.add("stay-permit", [stay_permit(other, "P-2")], source=cast.imigrasi)
    assert Person.objects.count() == 2
    assert set(Person.objects.values_list("needs_resolution", flat=True)) == {True}


def test_it_treats_rows_with_the_same_key_from_another_agency_as_their_own_record(cast, facts):
    rows = [crossing(TAN, "BC-1", "ARRIVAL", "2026-03-01T12:20:00+07:00")]
    facts.add("border-crossing", rows, source=cast.imigrasi)
    facts.add("border-crossing", rows, source=cast.disnaker)
    assert BorderCrossing.objects.count() == 2
    assert Person.objects.count() == 1


def test_it_rejects_a_row_naming_every_wrong_field(cast, facts):
    from timpora.registry.records import RowError

    bad = {**crossing(TAN, "BC-1", "SIDEWAYS", "yesterday"), "nationality": "XYZ"}
    with pytest.raises(RowError) as caught:
        facts.add("border-crossing", [bad], source=cast.imigrasi)
    assert {e.field for e in caught.value.errors} == {"direction", "crossed_at", "nationality"}
