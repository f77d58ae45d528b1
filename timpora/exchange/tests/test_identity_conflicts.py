"""The same passport with another identity: a second person and a conflict for an officer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from timpora.exchange.formats import write_table
from timpora.exchange.pipeline import import_file
from timpora.exchange.tests.samples import sample
from timpora.registry.models import BorderCrossing, IdentityConflict, Person, TravelDocument

COLUMNS, ROWS = sample("border-crossing")
TAN = ROWS[0]  # TAN WEI MING, born 1979-04-12, SGP passport K1234567A


def imported(tmp_path: Path, name: str, rows: list[dict[str, str]], agency: Any) -> Any:
    path = tmp_path / name
    with path.open("wb") as out:
        write_table(rows, COLUMNS, "csv", out)
    return import_file("border-crossing", path, source=agency, user=None)


@pytest.fixture
def tan(cast: Any, tmp_path: Path) -> Person:
    batch = imported(tmp_path, "tan.csv", [TAN], cast.imigrasi)
    assert (batch.persons_created, batch.conflicts) == (1, 0)
    return Person.objects.get()


@pytest.mark.django_db
def test_other_date_of_birth_makes_a_second_person_and_a_conflict(
    cast: Any, tmp_path: Path, tan: Person
) -> None:
    other = dict(TAN, crossing_id="BC-X-1", date_of_birth="1985-02-03")
    batch = imported(tmp_path, "other.csv", [other], cast.imigrasi)
    assert (batch.created, batch.persons_created, batch.conflicts) == (1, 1, 1)
    assert Person.objects.count() == 2
    conflict = IdentityConflict.objects.get()
    assert conflict.person == tan
    newcomer = conflict.other_person
    assert newcomer != tan
    assert newcomer.date_of_birth == "1985-02-03"
    assert newcomer.needs_resolution
    assert (conflict.number_key, conflict.issuing_state_id) == ("K1234567A", "SGP")
    assert (conflict.source, conflict.kind, conflict.source_key) == (
        cast.imigrasi,
        "border-crossing",
        "BC-X-1",
    )
    assert any(
        "date_of_birth" in r and "1979-04-12" in r and "1985-02-03" in r for r in conflict.reasons
    )
    assert not any("full_name" in r for r in conflict.reasons)
    assert BorderCrossing.objects.get(source_key="BC-X-1").person == newcomer
    # Each person holds their own copy of the document.
    assert TravelDocument.objects.filter(number_key="K1234567A").count() == 2

    # The same file again: no new person, no second conflict.
    again = imported(tmp_path, "other.csv", [other], cast.imigrasi)
    assert (again.unchanged, again.persons_created, again.conflicts) == (1, 0, 0)
    assert Person.objects.count() == 2
    assert IdentityConflict.objects.count() == 1


@pytest.mark.django_db
def test_clearly_different_name_makes_a_conflict(cast: Any, tmp_path: Path, tan: Person) -> None:
    other = dict(
        TAN, crossing_id="BC-X-2", full_name="LIM AH KOW", given_names="AH KOW", surname="LIM"
    )
    batch = imported(tmp_path, "lim.csv", [other], cast.imigrasi)
    assert (batch.persons_created, batch.conflicts) == (1, 1)
    conflict = IdentityConflict.objects.get()
    assert conflict.person == tan
    assert conflict.other_person.full_name == "LIM AH KOW"
    assert any("full_name" in r and "LIM AH KOW" in r for r in conflict.reasons)
    assert not any("date_of_birth" in r for r in conflict.reasons)


@pytest.mark.django_db
def test_compatible_identity_joins_the_known_person(cast: Any, tmp_path: Path, tan: Person) -> None:
    rows = [
        dict(TAN, crossing_id="BC-X-3", full_name="WEI MING TAN", date_of_birth="1979"),
        dict(TAN, crossing_id="BC-X-4", full_name="TAN WEIMING", date_of_birth="1979-04"),
        dict(TAN, crossing_id="BC-X-5", passport_number="k 1234567-a", date_of_birth=""),
    ]
    batch = imported(tmp_path, "same.csv", rows, cast.imigrasi)
    assert (batch.created, batch.persons_created, batch.conflicts) == (3, 0, 0)
    assert Person.objects.count() == 1
    assert not IdentityConflict.objects.exists()
    assert set(BorderCrossing.objects.values_list("person", flat=True)) == {tan.pk}
    tan.refresh_from_db()
    assert tan.date_of_birth == "1979-04-12"  # never overwritten by a less precise value


@pytest.mark.django_db
def test_same_number_of_another_state_is_another_document(
    cast: Any, tmp_path: Path, tan: Person
) -> None:
    other = dict(
        TAN,
        crossing_id="BC-X-6",
        full_name="JOHN DOE",
        nationality="USA",
        passport_issuing_state="USA",
        date_of_birth="1990-01-01",
    )
    batch = imported(tmp_path, "usa.csv", [other], cast.imigrasi)
    assert (batch.persons_created, batch.conflicts) == (1, 0)
    assert not IdentityConflict.objects.exists()


@pytest.mark.django_db
def test_conflicts_counted_per_batch(cast: Any, tmp_path: Path, tan: Person) -> None:
    rows = [
        dict(TAN, crossing_id="BC-X-7", date_of_birth="1960-01-01"),
        dict(TAN, crossing_id="BC-X-8", full_name="ALI BIN ABU", date_of_birth="1979-04-12"),
        dict(TAN, crossing_id="BC-X-9"),  # TAN himself
    ]
    batch = imported(tmp_path, "three.csv", rows, cast.imigrasi)
    assert (batch.created, batch.persons_created) == (3, 2)
    # Each newcomer conflicts with every earlier holder of the document: 1 + 2.
    assert batch.conflicts == IdentityConflict.objects.count() == 3
    pairs = set(
        IdentityConflict.objects.values_list("person__date_of_birth", "other_person__full_name")
    )
    assert pairs == {
        ("1979-04-12", "TAN WEI MING"),
        ("1979-04-12", "ALI BIN ABU"),
        ("1960-01-01", "ALI BIN ABU"),
    }
    assert BorderCrossing.objects.get(source_key="BC-X-9").person == tan
