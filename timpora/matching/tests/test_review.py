"""Linking at import, the review queue, decisions, merges and splits, on a real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import models
from django.utils import translation

from timpora.audit.models import AuditEvent
from timpora.exchange.tests.samples import run, write
from timpora.matching.actions import (
    ContradictsEarlierDecision,
    NotDecidable,
    ProposedPair,
    decide,
    link_persons,
    propose_pairs,
    split,
)
from timpora.matching.choices import Decision, ReviewKind, ReviewOrigin, ReviewStatus
from timpora.matching.models import Merge, PairDecision, PersonKey, ReviewItem
from timpora.registry.models import Person, StayPermit, TravelDocument
from timpora.registry.records import COLUMNS
from timpora.testing import ZHANG, crossing, stay_permit

pytestmark = pytest.mark.django_db


def _crossings(tmp_path: Path, name: str, rows: list[dict[str, str]]) -> Path:
    return write(tmp_path / name, list(COLUMNS["border-crossing"]), rows)


@pytest.fixture
def pair(cast: Any, tmp_path: Path) -> tuple[Person, Person, ReviewItem]:
    """ZHANG WEI arrives on a passport; later a record with 张伟, same birth date, another
    passport number: the importer cannot place it, linking raises a possible duplicate."""
    run(
        "border-crossing",
        _crossings(
            tmp_path, "a.csv", [crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
        ),
        cast.imigrasi,
    )
    other = {
        **ZHANG,
        "full_name": "张伟",
        "name_original": "",
        "given_names": "",
        "surname": "",
        "passport_number": "EK1112223",
    }
    run(
        "stay-permit",
        write(
            tmp_path / "b.csv", list(COLUMNS["stay-permit"]), [stay_permit(other, "2C11AA0001-X")]
        ),
        cast.imigrasi,
    )
    first, second = Person.objects.order_by("pk")
    item = ReviewItem.objects.get()
    return first, second, item


def test_a_record_placed_by_no_document_is_linked_for_review(pair: Any, cast: Any) -> None:
    first, second, item = pair
    assert (item.kind, item.origin, item.status) == (ReviewKind.SAME, ReviewOrigin.LINKING, "OPEN")
    assert {item.person_id, item.other_person_id} == {first.pk, second.pk}
    assert item.agency == cast.imigrasi
    assert item.score >= 0.8
    factors = {r["factor"]: r["outcome"] for r in item.reasons}
    assert factors["date_of_birth"] == "exact"
    assert factors["name"] in {"exact", "variant"}
    # Nothing was merged: two persons stand until an officer decides.
    assert Person.objects.filter(merged_into__isnull=True).count() == 2
    second.refresh_from_db()
    assert second.needs_resolution is True


def test_a_distinct_person_is_not_raised_and_is_no_longer_awaiting_review(
    cast: Any, tmp_path: Path
) -> None:
    run(
        "border-crossing",
        _crossings(
            tmp_path, "a.csv", [crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
        ),
        cast.imigrasi,
    )
    other = {
        **ZHANG,
        "full_name": "ZHANG WEN",
        "name_original": "",
        "date_of_birth": "1979-01-30",
        "passport_number": "EK1112223",
    }
    run(
        "border-crossing",
        _crossings(
            tmp_path, "b.csv", [crossing(other, "HN-2", "ARRIVAL", "2026-03-03T10:00:00+07:00")]
        ),
        cast.imigrasi,
    )
    assert not ReviewItem.objects.exists()
    assert not Person.objects.filter(needs_resolution=True).exists()


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model that points to a person, with all its person links."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or rel.many_to_many:
            continue
        fields = [
            f.attname
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model is Person
        ]
        out[model._meta.label_lower] = sorted(model._default_manager.values_list("pk", *fields))
    out["persons"] = sorted(
        Person.objects.values_list(
            "pk", "merged_into_id", "needs_resolution", "full_name", "in_country"
        )
    )
    return out


def test_same_person_merges_everything_and_a_split_restores_both_exactly(
    pair: Any, cast: Any
) -> None:
    first, second, item = pair
    before = _snapshot()
    decided = decide(item, Decision.SAME, actor=cast.alice, note="Same face on both photos")
    merge = decided.merge
    assert merge is not None and merge.survivor == first and merge.merged == second
    second.refresh_from_db()
    assert second.merged_into == first
    # All facts and documents follow the survivor.
    assert not StayPermit.objects.filter(person=second).exists()
    assert StayPermit.objects.filter(person=first).count() == 1
    assert set(
        TravelDocument.objects.filter(person=first).values_list("number_key", flat=True)
    ) == {
        "EJ4820193",
        "EK1112223",
    }
    # The survivor is found under both spellings; the merged person is out of the index and
    # out of every listing.
    assert not PersonKey.objects.filter(person=second).exists()
    assert list(Person.objects.visible_to(cast.alice)) == [first]
    item.refresh_from_db()
    assert (item.status, item.decision, item.decided_by) == ("DECIDED", "SAME", cast.alice)

    split(merge, actor=cast.bob, note="Different photos after all")
    after = _snapshot()
    # Restored exactly, except for the rows the decisions themselves added.
    for label in before:
        if label in {"matching.pairdecision"}:
            continue
        assert after[label] == before[label], label
    merge.refresh_from_db()
    assert merge.split_by == cast.bob and merge.split_at is not None
    # The split is remembered as two persons: the pair is never proposed again.
    assert PairDecision.objects.filter(decision=Decision.DIFFERENT).count() == 1
    assert link_persons([first.pk, second.pk]).created == 0
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "matching.review_raised",
        "matching.review_decided",
        "matching.persons_merged",
        "matching.person_split",
    } <= verbs


def test_different_is_remembered_and_never_proposed_again(pair: Any, cast: Any) -> None:
    first, second, item = pair
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Other parents")
    raised = link_persons([first.pk, second.pk])
    assert raised.created == 0 and raised.already_decided == 1
    assert ReviewItem.objects.count() == 1


def test_unsure_needs_a_note_and_merges_nothing(pair: Any, cast: Any) -> None:
    _, second, item = pair
    with pytest.raises(NotDecidable):
        decide(item, Decision.UNSURE, actor=cast.alice, note=" ")
    decide(item, Decision.UNSURE, actor=cast.alice, note="Photo missing; ask the police")
    second.refresh_from_db()
    assert second.merged_into is None
    with pytest.raises(NotDecidable):
        decide(item, Decision.SAME, actor=cast.alice)


def test_a_decision_that_contradicts_an_earlier_one_warns(pair: Any, cast: Any) -> None:
    first, second, item = pair
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Other parents")
    # The same pair raised again by another route (an item written before the decision).
    again = ReviewItem.objects.create(
        kind=ReviewKind.SAME,
        origin=ReviewOrigin.RESOLVE,
        agency=cast.imigrasi,
        person=first,
        other_person=second,
        score=0.95,
        algorithm="test",
    )
    with translation.override("en"), pytest.raises(ContradictsEarlierDecision) as refused:
        decide(again, Decision.SAME, actor=cast.bob)
    assert refused.value.earlier.decision == Decision.DIFFERENT
    assert "said: Different persons." in str(refused.value)
    again.refresh_from_db()
    assert again.status == ReviewStatus.OPEN
    decided = decide(again, Decision.SAME, actor=cast.bob, confirm=True, note="Checked again")
    assert decided.contradicted is not None and decided.merge is not None
    event = AuditEvent.objects.filter(verb="matching.review_decided").order_by("-pk").first()
    assert event is not None and event.changes["contradicts"] == str(item.code)


def test_propose_pairs_skips_open_and_decided_pairs(pair: Any, cast: Any) -> None:
    first, second, item = pair
    proposal = ProposedPair(second.pk, first.pk, 0.9, [], "test")
    assert propose_pairs([proposal], origin=ReviewOrigin.RESOLVE).already_open == 1
    decide(item, Decision.DIFFERENT, actor=cast.alice, note="x")
    assert propose_pairs([proposal], origin=ReviewOrigin.RESOLVE).already_decided == 1


def test_another_agency_cannot_see_or_decide_the_item(pair: Any, cast: Any) -> None:
    _, _, item = pair
    charlie = cast.client_for(cast.charlie)
    assert charlie.get(f"/api/v1/review-items/{item.code}").status_code == 404
    answer = charlie.post(
        f"/api/v1/review-items/{item.code}/decision",
        json.dumps({"decision": "DIFFERENT", "note": "x"}),
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert charlie.get("/api/v1/review-items").json()["count"] == 0
    item.refresh_from_db()
    assert item.status == ReviewStatus.OPEN


def test_the_api_lists_decides_and_reports_a_contradiction(pair: Any, cast: Any) -> None:
    first, second, item = pair
    alice = cast.client_for(cast.alice)
    listed = alice.get("/api/v1/review-items").json()
    assert listed["count"] == 1
    shown = listed["items"][0]
    assert shown["code"] == str(item.code) and shown["kind"] == "SAME"
    assert {shown["person"]["code"], shown["other_person"]["code"]} == {
        str(first.code),
        str(second.code),
    }
    assert AuditEvent.objects.filter(verb="person.listed", purpose="IDENTITY_REVIEW").exists()
    answer = alice.post(
        f"/api/v1/review-items/{item.code}/decision",
        json.dumps({"decision": "SAME", "note": "same"}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["merged_into"] == str(first.code)
    assert answer.json()["item"]["status"] == "DECIDED"
    again = alice.post(
        f"/api/v1/review-items/{item.code}/decision",
        json.dumps({"decision": "SAME"}),
        content_type="application/json",
    )
    assert again.status_code == 409


def test_an_auditor_sees_but_does_not_decide(pair: Any, cast: Any) -> None:
    _, _, item = pair
    erin = cast.client_for(cast.erin)
    assert erin.get(f"/api/v1/review-items/{item.code}").status_code == 200
    answer = erin.post(
        f"/api/v1/review-items/{item.code}/decision",
        json.dumps({"decision": "SAME"}),
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert Merge.objects.count() == 0


def test_an_identity_conflict_is_raised_for_review_whatever_its_score(
    cast: Any, tmp_path: Path
) -> None:
    run(
        "border-crossing",
        _crossings(
            tmp_path, "a.csv", [crossing(ZHANG, "HN-1", "ARRIVAL", "2026-03-02T18:55:00+07:00")]
        ),
        cast.imigrasi,
    )
    # The same passport with another name and birth date: kept as a second person.
    other = {
        **ZHANG,
        "full_name": "WANG FANG",
        "name_original": "",
        "sex": "F",
        "date_of_birth": "1970-01-01",
    }
    run(
        "border-crossing",
        _crossings(
            tmp_path, "b.csv", [crossing(other, "HN-2", "ARRIVAL", "2026-03-04T10:00:00+07:00")]
        ),
        cast.imigrasi,
    )
    item = ReviewItem.objects.get()
    assert item.origin == ReviewOrigin.CONFLICT and item.kind == ReviewKind.SAME
    assert {r["factor"]: r["outcome"] for r in item.reasons}["document"] == "exact"
