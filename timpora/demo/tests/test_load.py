from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from django.db.models import Q, QuerySet

from timpora.demo.load import DETECTION_HOOK, DemoFileError, is_loaded, load_directory
from timpora.matching.choices import ReviewKind, ReviewStatus
from timpora.matching.models import ReviewItem, WatchlistEntry
from timpora.registry.models import (
    BorderCrossing,
    FactRevision,
    Person,
    Stay,
    StayPermit,
    TravelDocument,
)
from timpora.registry.queries import person_record

UPDATES = "stay-permit.updates"


def test_it_loads_every_row_of_every_file(population, reference_data):
    results = load_directory(population.folder)
    assert list(results) == list(population.paths)
    assert {name: r.created for name, r in results.items()} == {
        name: 0 if name == UPDATES else len(population.rows(name)) for name in population.paths
    }
    assert results[UPDATES].updated == len(population.rows(UPDATES))
    assert Person.objects.count() == len(population.identities())


def test_it_loads_the_permits_in_their_latest_state(population, reference_data):
    load_directory(population.folder)
    stored = {
        p.permit_number: (p.status, p.valid_until.isoformat()) for p in StayPermit.objects.all()
    }
    assert stored == {
        number: (row["status"], row["valid_until"]) for number, row in population.permits().items()
    }


def test_it_keeps_the_first_validity_of_each_extended_permit_in_its_history(
    population, reference_data
):
    load_directory(population.folder)
    first = {row["permit_number"]: row["valid_until"] for row in population.rows("stay-permit")}
    extended = StayPermit.objects.filter(status="EXTENDED")
    assert extended.exists()
    for permit in extended:
        revisions = FactRevision.objects.filter(kind="stay-permit", fact_id=permit.pk)
        assert [r.revision for r in revisions] == [1], permit.permit_number
        assert permit.revision == 2
        values = revisions[0].values
        values = values if isinstance(values, dict) else json.loads(values)
        earlier = date.fromisoformat(values["valid_until"])
        assert earlier.isoformat() == first[permit.permit_number]
        assert earlier < permit.valid_until
    with_history = set(
        FactRevision.objects.filter(kind="stay-permit").values_list("fact_id", flat=True)
    )
    assert len(with_history) == len(population.rows(UPDATES))
    assert FactRevision.objects.filter(kind="stay-permit").count() == len(with_history)


def test_it_shows_the_extension_on_the_holders_timeline(population, reference_data, cast):
    load_directory(population.folder)
    permit = StayPermit.objects.filter(status="EXTENDED").order_by("permit_number").first()
    assert permit is not None
    rec = person_record(cast.alice, permit.person)
    changes = [e for e in rec.timeline if e.kind == "permit-change"]
    assert [e.key for e in changes].count(permit.permit_number) == 1


def test_it_records_each_kind_as_coming_from_its_agency(population, reference_data):
    load_directory(population.folder)
    assert set(StayPermit.objects.values_list("source__code", flat=True)) == {"IMI-BTM"}
    # The lodgings report through Immigration (APOA); the police copy guest lists of their own.
    assert set(Stay.objects.values_list("source__code", flat=True)) == {"IMI-BTM", "POLRESTA-BRL"}
    lists = set(WatchlistEntry.objects.values_list("source__code", "list").distinct())
    assert lists == {("IMI-BTM", "PENANGKALAN"), ("POLDA-KEPRI", "DPO")}


def _person(key: list[str]) -> int:
    return TravelDocument.objects.get(issuing_state_id=key[0], number=key[1]).person_id


def _open(kind: str) -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(kind=kind, status=ReviewStatus.OPEN)


def test_it_raises_the_planted_hits_and_duplicates_and_not_the_traps(
    population, reference_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        load_directory(population.folder)
    planted = population.planted()
    hits = _open(ReviewKind.HIT)
    for hit in planted["hits"]:
        entry = WatchlistEntry.objects.get(source_key=hit["entry"])
        assert set(hits.filter(entry=entry).values_list("person_id", flat=True)) == {
            _person(hit["person"])
        }, hit
    for trap in planted["traps"]:
        assert not hits.filter(entry__source_key=trap["entry"]).exists(), trap
    same = _open(ReviewKind.SAME)
    for duplicate in planted["duplicates"]:
        a, b = sorted((_person(duplicate["person"]), _person(duplicate["copy"])))
        assert same.filter(person_id=a, other_person_id=b).exists(), duplicate
    for lookalike in planted["lookalikes"]:
        person = _person(lookalike["person"])
        assert not same.filter(Q(person_id=person) | Q(other_person_id=person)).exists()
        assert not hits.filter(person_id=person).exists()
    # The planted hits are all there are: the lists name nobody else in Batam.
    assert hits.count() == len(planted["hits"])


def test_it_raises_the_hits_without_waiting_for_the_worker(population, reference_data):
    load_directory(population.folder)  # the queued re-screen never runs here
    assert _open(ReviewKind.HIT).count() == len(population.planted()["hits"])


def test_it_raises_nothing_more_when_loaded_again(population, reference_data):
    load_directory(population.folder)
    items = list(ReviewItem.objects.order_by("pk").values_list("pk", "kind", "status"))
    load_directory(population.folder)
    assert list(ReviewItem.objects.order_by("pk").values_list("pk", "kind", "status")) == items


def test_it_changes_nothing_when_loaded_again(population, reference_data):
    load_directory(population.folder)
    revisions = FactRevision.objects.count()
    permits = list(StayPermit.objects.order_by("pk").values_list("revision", "valid_until"))
    again = load_directory(population.folder)
    assert all(r.created == r.updated == r.persons_created == 0 for r in again.values())
    assert {name: r.unchanged for name, r in again.items()} == {
        name: len(population.rows(name)) for name in population.paths
    }
    assert FactRevision.objects.count() == revisions
    assert list(StayPermit.objects.order_by("pk").values_list("revision", "valid_until")) == permits


def test_it_knows_whether_the_files_are_loaded(population, reference_data):
    assert not is_loaded(population.folder)
    load_directory(population.folder)
    assert is_loaded(population.folder)


def test_it_knows_that_the_files_are_not_loaded_while_the_last_update_is_missing(
    population, reference_data, tmp_path
):
    load_directory(population.folder)
    for path in population.paths.values():
        shutil.copy(path, tmp_path / path.name)
    updates = tmp_path / f"{UPDATES}.csv"
    lines = updates.read_text(encoding="utf-8").splitlines(keepends=True)
    last = population.rows(UPDATES)[-1]
    later = date.fromisoformat(last["valid_until"]).replace(year=2030).isoformat()
    lines[-1] = lines[-1].replace(f",{last['valid_until']},", f",{later},", 1)
    updates.write_text("".join(lines), encoding="utf-8")
    assert not is_loaded(tmp_path)


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


def test_it_leaves_the_rules_until_every_file_is_in(population, reference_data):
    from timpora.detection.models import Alert, DetectionRun
    from timpora.exchange.signals import batch_imported

    load_directory(population.folder)
    assert not DetectionRun.objects.exists()
    assert not Alert.objects.exists()
    # The rules' import hook is back for the imports that follow.
    assert any(entry[0][0] == DETECTION_HOOK for entry in batch_imported.receivers)
