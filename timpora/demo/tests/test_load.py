from __future__ import annotations

import shutil

import pytest

from timpora.demo.load import DemoFileError, is_loaded, load_directory
from timpora.registry.models import BorderCrossing, Person, Stay, StayPermit


def test_it_loads_every_row_of_every_file(population, reference_data):
    results = load_directory(population.folder)
    assert {kind: r.created for kind, r in results.items()} == {
        kind: len(population.rows(kind)) for kind in population.paths
    }
    assert Person.objects.count() == len(population.persons())


def test_it_records_each_kind_as_coming_from_its_agency(population, reference_data):
    load_directory(population.folder)
    assert set(StayPermit.objects.values_list("source__code", flat=True)) == {"IMI-BTM"}
    assert set(Stay.objects.values_list("source__code", flat=True)) == {"IMI-BTM"}


def test_it_changes_nothing_when_loaded_again(population, reference_data):
    load_directory(population.folder)
    again = load_directory(population.folder)
    assert all(r.created == r.updated == r.persons_created == 0 for r in again.values())
    assert {kind: r.unchanged for kind, r in again.items()} == {
        kind: len(population.rows(kind)) for kind in population.paths
    }


def test_it_knows_whether_the_files_are_loaded(population, reference_data):
    assert not is_loaded(population.folder)
    load_directory(population.folder)
    assert is_loaded(population.folder)


def test_it_names_the_file_and_line_of_a_row_that_does_not_parse(
    population, reference_data, tmp_path
):
    for path in population.paths.values():
        shutil.copy(path, tmp_path / path.name)
    crossings = tmp_path / "border-crossing.csv"
    lines = crossings.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",ARRIVAL,", ",SIDEWAYS,").replace(",DEPARTURE,", ",SIDEWAYS,")
    crossings.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DemoFileError, match=r"border-crossing\.csv, line 4: direction"):
        load_directory(tmp_path)
    assert not BorderCrossing.objects.exists()
