"""WATCHLIST_HIT: the same passport number as an entry in force, or a screening match at or
above the threshold with a compatible date of birth; never one an officer ruled out."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings

from timpora.detection.choices import AlertStatus
from timpora.exchange.tests.samples import sample
from timpora.lib.text import document_key
from timpora.matching import index
from timpora.matching.actions import (
    ProposedHit,
    change_watchlist,
    decide,
    propose_hits,
    record_watchlist_entries,
    screen_persons,
)
from timpora.matching.choices import Decision, ReviewKind, ReviewOrigin
from timpora.matching.models import ReviewItem, Watchlist, WatchlistEntry
from timpora.registry.models import Person
from timpora.registry.records import parse_row
from timpora.registry.reference import current_reference

AS_OF = "2026-06-30"


def listed(world: Any, which: int = 0, **changes: str) -> WatchlistEntry:
    """Record one of the spec's sample watch-list entries (0: LI QIANG on the entry-ban list,
    born 1975, passports E00918273 and G41122334; 1: RAJESH KUMAR SHARMA, wanted, born 1983-07),
    with ``changes``, through the real parser and action."""
    _, rows = sample("watchlist-entry")
    row = {**rows[which], **changes}
    record = parse_row("watchlist-entry", row, current_reference())
    record_watchlist_entries([record], source=world.cast.imigrasi, actor=None)
    return WatchlistEntry.objects.get(list=row["list"], entry_id=row["entry_id"])


def person_of(who: dict[str, str]) -> Person:
    return Person.objects.get(documents__number_key=document_key(who["passport_number"]))


def screen(who: dict[str, str], on: str = AS_OF) -> list[ReviewItem]:
    """Index and screen the person as an import does; return the hits raised."""
    person = person_of(who)
    index.index_persons([person.pk])
    screen_persons([person.pk], on=date.fromisoformat(on))
    return list(ReviewItem.objects.filter(kind=ReviewKind.HIT, person=person))


def raise_hit(who: dict[str, str], entry: WatchlistEntry, score: float) -> ReviewItem:
    """A screening hit as the matching app raises it (for a score the test chooses)."""
    person = person_of(who)
    raised = propose_hits(
        [ProposedHit(person.pk, entry.pk, score, [{"factor": "name", "score": score}])],
        origin=ReviewOrigin.SCREENING,
    )
    assert raised.created == 1
    return ReviewItem.objects.get(kind=ReviewKind.HIT, person=person, entry=entry)


def test_the_same_passport_number_fires_with_list_entry_reason_and_action(world):
    entry = listed(world)
    wang = world.person("WANG FANG", nationality="CHN", passport="G41122334")
    world.arrive(wang, "2026-06-20 09:00", until="2026-07-19")

    [alert] = world.fires("WATCHLIST_HIT", AS_OF)

    assert alert.person == person_of(wang)
    assert alert.severity == "HIGH"
    [match] = alert.facts["matches"]
    assert match["by"] == "passport" and match["entry_id"] == "TKL-2024-01187"
    assert "TKL-2024-01187" in alert.explanation_en
    assert "Entry ban (penangkalan)" in alert.explanation_en
    assert entry.reason in alert.explanation_en
    assert "Refuse entry; notify Inteldakim" in alert.explanation_en
    assert entry.reason in alert.explanation_id
    assert sorted((e["kind"], e["key"]) for e in alert.evidence) == [
        ("travel-document", "CHN G41122334"),
        ("watchlist-entry", "PENANGKALAN|TKL-2024-01187"),
    ]


def test_another_passport_number_does_not_fire(world):
    listed(world)
    wang = world.person("WANG FANG", nationality="CHN", passport="G41122335")
    world.arrive(wang, "2026-06-20 09:00", until="2026-07-19")

    assert world.fires("WATCHLIST_HIT", AS_OF) == []


def test_a_transliterated_name_raised_by_screening_with_a_compatible_birth_date_fires(world):
    listed(world)  # LI QIANG, alias LEE KEUNG, 李强, born 1975
    li = world.person("李强", nationality="CHN", date_of_birth="1975-08-19")
    world.arrive(li, "2026-06-20 09:00", until="2026-07-19")
    [item] = screen(li)
    assert item.score >= settings.SCREEN_THRESHOLD

    [alert] = world.fires("WATCHLIST_HIT", AS_OF)

    [match] = alert.facts["matches"]
    assert match["by"] == "name" and match["score"] == pytest.approx(item.score)
    assert "by name" in alert.explanation_en and "TKL-2024-01187" in alert.explanation_en
    # The entry, and the person's first record of identity: the passport they arrived with.
    assert {e["kind"] for e in alert.evidence} == {"watchlist-entry", "travel-document"}


def test_a_common_name_with_another_date_of_birth_does_not_fire(world):
    entry = listed(world, date_of_birth="1975-08-19")
    li = world.person("LI QIANG", nationality="CHN", date_of_birth="1990-02-01")
    world.arrive(li, "2026-06-20 09:00", until="2026-07-19")
    assert screen(li) == []  # screening does not raise it
    assert world.fires("WATCHLIST_HIT", AS_OF) == []

    # Nor does the rule, when a match on the name alone was raised all the same.
    raise_hit(li, entry, 0.95)
    assert world.fires("WATCHLIST_HIT", AS_OF) == []


@pytest.mark.parametrize(
    ("born", "entry_born", "fires"),
    [
        ("1975-08-19", "", True),  # unknown on the list
        ("", "1975-08-19", True),  # unknown on the person's record
        ("1975-08-19", "1975", True),  # a partial date whose known parts agree
        ("1975-08-19", "1975-08", True),
        ("1975-08", "1975-08-19", True),
        ("1975-08-19", "1975-09", False),
        ("1975-08-19", "1976", False),
        ("1975", "1976", False),
        ("1975-08-19", "1975-08-19", True),
        ("1975-08-19", "1975-08-18", True),  # one digit
        ("1975-08-19", "1975-03-19", True),
        ("1975-08-12", "1975-12-08", True),  # day and month swapped
        ("1975-08-19", "1975-08-28", False),  # two digits
        ("1975-08-19", "1957-08-19", False),  # two digits of the year swapped
        ("1975-08-19", "1975-09-18", False),
    ],
)
def test_dates_of_birth_compatible_or_not(world, born, entry_born, fires):
    entry = listed(world, date_of_birth=entry_born)
    li = world.person("LI QIANG", nationality="CHN", date_of_birth=born)
    world.arrive(li, "2026-06-20 09:00", until="2026-07-19")
    raise_hit(li, entry, 0.9)

    assert bool(world.fires("WATCHLIST_HIT", AS_OF)) is fires


@pytest.mark.parametrize(("below", "fires"), [(0.0, True), (0.0001, False)])
def test_a_score_at_the_screening_threshold_fires_and_just_below_does_not(world, below, fires):
    entry = listed(world)
    li = world.person("LI QIANG", nationality="CHN", date_of_birth="1975-08-19")
    world.arrive(li, "2026-06-20 09:00", until="2026-07-19")
    raise_hit(li, entry, settings.SCREEN_THRESHOLD - below)

    assert bool(world.fires("WATCHLIST_HIT", AS_OF)) is fires


def test_a_hit_decided_different_by_an_officer_does_not_fire_and_same_does(world, cast):
    listed(world)
    li = world.person("李强", nationality="CHN", date_of_birth="1975-08-19")
    world.arrive(li, "2026-06-20 09:00", until="2026-07-19")
    [item] = screen(li)
    [alert] = world.fires("WATCHLIST_HIT", AS_OF)

    decide(item, Decision.DIFFERENT, actor=cast.alice, note="Another father's name")

    assert world.fires("WATCHLIST_HIT", AS_OF) == []
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_a_hit_confirmed_by_an_officer_still_fires(world, cast):
    listed(world)
    li = world.person("李强", nationality="CHN", date_of_birth="1975-08-19")
    world.arrive(li, "2026-06-20 09:00", until="2026-07-19")
    [item] = screen(li)
    decide(item, Decision.SAME, actor=cast.alice, note="Same photo")

    assert len(world.fires("WATCHLIST_HIT", AS_OF)) == 1


@pytest.mark.parametrize(("as_of", "fires"), [("2026-06-30", True), ("2026-07-01", False)])
def test_an_entry_no_longer_in_force_does_not_fire(world, as_of, fires):
    listed(world, valid_until="2026-06-30")
    wang = world.person("WANG FANG", nationality="CHN", passport="E00918273")
    world.arrive(wang, "2026-06-20 09:00", until="2026-07-19")

    assert bool(world.fires("WATCHLIST_HIT", as_of)) is fires


def test_an_entry_not_yet_in_force_does_not_fire(world):
    listed(world, valid_from="2026-07-01")
    wang = world.person("WANG FANG", nationality="CHN", passport="E00918273")
    world.arrive(wang, "2026-06-20 09:00", until="2026-07-19")

    assert world.fires("WATCHLIST_HIT", "2026-06-30") == []
    assert len(world.fires("WATCHLIST_HIT", "2026-07-01")) == 1


def test_a_list_lifted_by_a_coordinator_stops_its_entries_from_firing(world, cast):
    listed(world)
    wang = world.person("WANG FANG", nationality="CHN", passport="E00918273")
    world.arrive(wang, "2026-06-20 09:00", until="2026-07-19")
    assert len(world.fires("WATCHLIST_HIT", AS_OF)) == 1

    lifted = Watchlist.objects.get(list="PENANGKALAN")
    change_watchlist(lifted, actor=cast.dina, valid_until=date(2026, 6, 1))

    assert world.fires("WATCHLIST_HIT", AS_OF) == []


def test_several_entries_make_one_alert_passport_first(world):
    listed(world)
    sharma = listed(world, 1)  # born 1983-07
    wang = world.person(
        "WANG FANG", nationality="CHN", passport="E00918273", date_of_birth="1983-07-14"
    )
    world.arrive(wang, "2026-06-20 09:00", until="2026-07-19")
    raise_hit(wang, sharma, 0.85)

    [alert] = world.fires("WATCHLIST_HIT", AS_OF)

    assert [m["entry_id"] for m in alert.facts["matches"]] == [
        "TKL-2024-01187",
        "DPO-POLDA-2025-044",
    ]
    assert "(and 1 other entry)" in alert.explanation_en
    assert sum(e["kind"] == "watchlist-entry" for e in alert.evidence) == 2
