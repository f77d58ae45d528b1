"""What an executed action writes back into the data: the watch lists (and a later arrival
under another spelling screened as a hit), a cancelled stay permit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from timpora.audit.models import AuditEvent
from timpora.cases.actions.measures import (
    _back_into_the_data,
    approve_action,
    execute_action,
    propose_action,
)
from timpora.cases.choices import ActionKind, ActionStatus, EventKind
from timpora.cases.measures import add_months, add_years
from timpora.cases.models import AdministrativeAction, Case, CaseEvent
from timpora.exchange.tests.samples import run, write
from timpora.matching.choices import ReviewKind
from timpora.matching.models import ReviewItem, WatchlistEntry
from timpora.registry.models import FactRevision, Person, StayPermit
from timpora.registry.records import COLUMNS
from timpora.testing import crossing

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
IURII = {
    "full_name": "IVANOV IURII",
    "surname": "IVANOV",
    "given_names": "IURII",
    "name_original": "Иванов Юрий",
    "sex": "M",
    "date_of_birth": "1984-06-17",
    "nationality": "RUS",
    "passport_number": "751234567",
}
CHEN = {
    "full_name": "CHEN WEI MING",
    "surname": "CHEN",
    "given_names": "WEI MING",
    "sex": "M",
    "date_of_birth": "1981-02-09",
    "nationality": "CHN",
    "passport_number": "E12345678",
}


def _day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def _deported(
    world: Any, open_case: Any, cast: Any, identity: dict[str, str], commit: Any
) -> AdministrativeAction:
    """``identity`` arrived 120 days ago, overstayed, and was deported 30 days ago with a
    two-year entry ban (what the deportation schedules after its commit runs too)."""
    world.arrive(identity, f"{_day(120)} 10:00", until=_day(90))
    person = Person.objects.get(full_name=identity["full_name"])
    case = open_case(persons=[person])
    action = propose_action(
        case,
        actor=cast.alice,
        kind=ActionKind.DEPORTATION,
        person=person,
        grounds="Overstayed 90 days",
        details={
            "route": "Batam Centre - HarbourFront",
            "checkpoint": "BTM-BC",
            "departure_on": _day(30),
            "escort": "alice",
            "entry_ban_years": 2,
            "entry_ban_reason": "Deported for an overstay of 90 days",
        },
    )
    approve_action(action, actor=cast.bob)
    with commit(execute=True):
        execute_action(action, actor=cast.alice, executed_on=TODAY - timedelta(days=30))
    action.refresh_from_db()
    return action


def test_a_deportation_with_an_entry_ban_lists_the_person_for_penangkalan(
    world: Any, open_case: Any, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = _deported(world, open_case, cast, IURII, django_capture_on_commit_callbacks)
    entry = WatchlistEntry.objects.get()
    assert action.watchlist_entry == entry
    assert entry.list == "PENANGKALAN"
    assert entry.source == cast.imigrasi and entry.source_key == f"TAK-{action.code}"
    assert entry.full_name == "IVANOV IURII"
    assert "IURII IVANOV" in entry.aliases
    assert entry.name_original == "Иванов Юрий"
    assert entry.date_of_birth == "1984-06-17" and entry.nationalities == ["RUS"]
    assert entry.passport_numbers == ["751234567"]
    assert entry.reason == "Deported for an overstay of 90 days"
    assert "Pasal 75 ayat (2) huruf f" in entry.legal_basis
    assert "Pasal 98-102" in entry.legal_basis
    assert entry.valid_from == TODAY - timedelta(days=30)
    assert entry.valid_until == add_years(TODAY - timedelta(days=30), 2)
    assert action.ends_on == entry.valid_until
    fact = CaseEvent.objects.get(case=action.case, kind=EventKind.FACT_RECORDED)
    assert fact.data["entry"] == f"TAK-{action.code}"


@pytest.mark.parametrize(
    ("first", "later"),
    [
        # ICAO transliteration since 2013 (IURII) and the older one (YURIY).
        (IURII, {**IURII, "full_name": "IVANOV YURIY", "given_names": "YURIY",
                 "name_original": "", "passport_number": "768765432"}),
        # 陈: CHEN in Pinyin, CHAN in Cantonese spelling.
        (CHEN, {**CHEN, "full_name": "CHAN WEI MING", "surname": "CHAN",
                "passport_number": "EH7654321"}),
    ],
    ids=["IURII-YURIY", "CHEN-CHAN"],
)  # fmt: skip
def test_a_later_arrival_under_another_spelling_is_a_hit(
    world: Any,
    open_case: Any,
    cast: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    first: dict[str, str],
    later: dict[str, str],
) -> None:
    action = _deported(world, open_case, cast, first, django_capture_on_commit_callbacks)
    deported = action.person
    rows = [crossing(later, "BC-LATER-1", "ARRIVAL", f"{_day(2)}T09:30:00+07:00")]
    run("border-crossing", write(tmp_path / "c.csv", list(COLUMNS["border-crossing"]), rows),
        cast.imigrasi)  # fmt: skip
    newcomer = Person.objects.get(full_name=later["full_name"])
    assert newcomer != deported  # a new passport: a new person for the registry
    hit = ReviewItem.objects.get(kind=ReviewKind.HIT, person=newcomer)
    assert hit.entry == action.watchlist_entry
    assert hit.agency == cast.imigrasi


def test_executing_twice_changes_nothing(
    world: Any, open_case: Any, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = _deported(world, open_case, cast, IURII, django_capture_on_commit_callbacks)
    counts = (
        WatchlistEntry.objects.count(),
        FactRevision.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        ReviewItem.objects.count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = execute_action(action, actor=cast.alice)
    assert again.status == ActionStatus.EXECUTED and again.executed_at == action.executed_at
    assert (
        WatchlistEntry.objects.count(),
        FactRevision.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        ReviewItem.objects.count(),
    ) == counts
    # Writing the same listing back again (same key, same values) changes no entry either.
    with django_capture_on_commit_callbacks(execute=True):
        _back_into_the_data(again, again.case, TODAY - timedelta(days=30), cast.alice)
    entry = WatchlistEntry.objects.get()
    assert entry.revision == 1
    assert FactRevision.objects.count() == counts[1]
    assert ReviewItem.objects.count() == counts[4]


def test_a_deportation_without_an_entry_ban_lists_nobody(
    world: Any, open_case: Any, cast: Any
) -> None:
    world.arrive(CHEN, f"{_day(20)} 10:00", until=_day(5))
    person = Person.objects.get()
    case = open_case(persons=[person])
    action = propose_action(
        case, actor=cast.alice, kind=ActionKind.DEPORTATION, person=person, grounds="Overstay",
        details={"route": "ferry", "checkpoint": "BTM-BC", "departure_on": _day(1)},
    )  # fmt: skip
    approve_action(action, actor=cast.bob)
    execute_action(action, actor=cast.alice)
    assert not WatchlistEntry.objects.exists()


def _case_of(world: Any, open_case: Any, identity: dict[str, str]) -> tuple[Case, Person]:
    world.arrive(identity, f"{_day(20)} 10:00", until=_day(5))
    person = Person.objects.get(full_name=identity["full_name"])
    return open_case(persons=[person]), person


def test_an_exit_ban_is_listed_for_pencegahan_and_extended_once(
    world: Any, open_case: Any, cast: Any
) -> None:
    case, person = _case_of(world, open_case, CHEN)

    def ban(extends: AdministrativeAction | None = None) -> AdministrativeAction:
        action = propose_action(
            case, actor=cast.alice, kind=ActionKind.PENCEGAHAN, person=person,
            grounds="Suspect in a fraud investigation", extends=extends,
            details={"months": 6, "reason": "Requested by Polresta Barelang"},
        )  # fmt: skip
        approve_action(action, actor=cast.bob)
        return execute_action(action, actor=cast.alice, executed_on=TODAY)

    first = ban()
    entry = WatchlistEntry.objects.get()
    assert entry.list == "PENCEGAHAN"
    assert entry.valid_until == add_months(TODAY, 6) == first.ends_on
    second = ban(extends=first)
    entry.refresh_from_db()
    assert WatchlistEntry.objects.count() == 1  # the extension changes the same entry
    assert entry.revision == 2
    assert entry.valid_until == add_months(add_months(TODAY, 6), 6) == second.ends_on
    with translation.override("en"), pytest.raises(Exception, match="extended once"):
        ban(extends=second)
    with translation.override("en"), pytest.raises(Exception, match="already been extended"):
        ban(extends=first)  # a second extension of the first ban would count from its old end


def test_an_entry_ban_is_listed_for_penangkalan(world: Any, open_case: Any, cast: Any) -> None:
    case, person = _case_of(world, open_case, IURII)
    action = propose_action(
        case, actor=cast.alice, kind=ActionKind.PENANGKALAN, person=person,
        grounds="Threat to public order", details={"years": 10, "reason": "Public order"},
    )  # fmt: skip
    approve_action(action, actor=cast.dina)
    execute_action(action, actor=cast.alice, executed_on=TODAY)
    entry = WatchlistEntry.objects.get()
    assert entry.list == "PENANGKALAN" and entry.reason == "Public order"
    assert entry.valid_until == add_years(TODAY, 10)
    assert entry.legal_basis == action.legal_basis


def test_a_permit_cancellation_cancels_the_permit_and_keeps_its_earlier_version(
    world: Any, open_case: Any, cast: Any
) -> None:
    who = world.person("NGUYEN VAN THANG", nationality="VNM", passport="C8842211")
    world.permit(who, number="2C21AB0012-X", valid_from=_day(100), valid_until=_day(-200))
    person = Person.objects.get()
    permit = StayPermit.objects.get()
    assert person.current_permit_id == permit.pk
    case = open_case(persons=[person])
    action = propose_action(
        case, actor=cast.alice, kind=ActionKind.PERMIT_CANCEL, person=person, permit=permit,
        grounds="Worked for another company than the sponsor", details={},
    )  # fmt: skip
    approve_action(action, actor=cast.bob)
    execute_action(action, actor=cast.alice, executed_on=TODAY)
    permit.refresh_from_db()
    person.refresh_from_db()
    assert permit.status == "CANCELLED"
    assert permit.revision == 2
    earlier = FactRevision.objects.get(kind="stay-permit", fact_id=permit.pk)
    assert earlier.revision == 1 and earlier.values["status"] == "ACTIVE"
    assert earlier.values["permit_number"] == "2C21AB0012-X"
    assert person.current_permit_id is None  # derived facts refreshed
    assert AuditEvent.objects.filter(verb="registry.permit_cancelled").count() == 1
    fact = case.events.get(kind=EventKind.FACT_RECORDED)
    assert "2C21AB0012-X" in fact.text


def test_a_permit_action_needs_the_persons_own_permit(
    world: Any, open_case: Any, cast: Any
) -> None:
    from django.core.exceptions import ValidationError

    who = world.person("NGUYEN VAN THANG", nationality="VNM", passport="C8842211")
    world.permit(who, number="2C21AB0012-X", valid_from=_day(100), valid_until=_day(-200))
    other = world.person("LIM AH KOW", passport="K7654321B")
    world.permit(other, number="2C21AB0099-Y", valid_from=_day(100), valid_until=_day(-200))
    person = Person.objects.get(full_name="NGUYEN VAN THANG")
    case = open_case(persons=[person])
    for permit in (None, StayPermit.objects.get(permit_number="2C21AB0099-Y")):
        with pytest.raises(ValidationError) as caught:
            propose_action(
                case, actor=cast.alice, kind=ActionKind.PERMIT_CANCEL, person=person,
                permit=permit, grounds="x", details={},
            )  # fmt: skip
        assert "permit" in caught.value.message_dict


def test_an_entry_ban_extension_adds_years_to_the_same_entry(
    world: Any, open_case: Any, cast: Any
) -> None:
    case, person = _case_of(world, open_case, IURII)

    def ban(years: int, extends: AdministrativeAction | None = None) -> AdministrativeAction:
        action = propose_action(
            case, actor=cast.alice, kind=ActionKind.PENANGKALAN, person=person,
            grounds="Threat to public order", extends=extends,
            details={"years": years, "reason": "Public order"},
        )  # fmt: skip
        approve_action(action, actor=cast.bob)
        return execute_action(action, actor=cast.alice, executed_on=TODAY)

    first = ban(5)
    second = ban(3, extends=first)
    entry = WatchlistEntry.objects.get()
    assert entry.valid_from == TODAY
    assert entry.valid_until == add_years(add_years(TODAY, 5), 3) == second.ends_on
    assert entry.revision == 2 and second.watchlist_entry == entry
    assert FactRevision.objects.get(kind="watchlist-entry").values["valid_until"] == str(
        add_years(TODAY, 5)
    )
