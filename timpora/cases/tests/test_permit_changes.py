"""A limited or changed stay permit is written back into the permit, with its earlier version
kept, and the holder's authorised stay follows it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from timpora.audit.models import AuditEvent
from timpora.cases.actions.measures import approve_action, execute_action, propose_action
from timpora.cases.choices import ActionKind, EventKind
from timpora.registry.models import FactRevision, Person, StayPermit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def _holder(world: Any) -> tuple[Person, StayPermit]:
    who = world.person("NGUYEN VAN THANG", nationality="VNM", passport="C8842211")
    world.permit(who, number="2C21AB0012-X", valid_from=_day(100), valid_until=_day(-200))
    return Person.objects.get(), StayPermit.objects.get()


def test_a_limited_permit_ends_earlier_and_keeps_its_earlier_version(
    world: Any, open_case: Any, cast: Any
) -> None:
    person, permit = _holder(world)
    before = permit.valid_until
    case = open_case(persons=[person])
    action = propose_action(
        case, actor=cast.alice, kind=ActionKind.PERMIT_LIMIT, person=person, permit=permit,
        grounds="Sponsor withdrew", details={"valid_until": _day(-30)},
    )  # fmt: skip
    approve_action(action, actor=cast.bob)
    execute_action(action, actor=cast.alice, executed_on=TODAY)
    permit.refresh_from_db()
    assert permit.valid_until == TODAY + timedelta(days=30) < before
    assert permit.revision == 2
    earlier = FactRevision.objects.get(kind="stay-permit", fact_id=permit.pk)
    assert earlier.values["valid_until"] == before.isoformat()
    person.refresh_from_db()
    assert person.authorised_until == TODAY + timedelta(days=30)
    event = AuditEvent.objects.get(verb="registry.permit_changed")
    assert event.changes["valid_until"] == [before.isoformat(), permit.valid_until.isoformat()]
    assert "2C21AB0012-X" in case.events.get(kind=EventKind.FACT_RECORDED).text


def test_a_limit_must_end_before_the_current_validity(
    world: Any, open_case: Any, cast: Any
) -> None:
    from django.core.exceptions import ValidationError

    person, permit = _holder(world)
    case = open_case(persons=[person])
    with pytest.raises(ValidationError) as caught:
        propose_action(
            case, actor=cast.alice, kind=ActionKind.PERMIT_LIMIT, person=person, permit=permit,
            grounds="x", details={"valid_until": _day(-300)},
        )  # fmt: skip
    assert "valid_until" in caught.value.message_dict
    assert StayPermit.objects.get().revision == 1


def test_a_changed_permit_takes_its_new_type_and_executing_again_changes_nothing(
    world: Any, open_case: Any, cast: Any
) -> None:
    person, permit = _holder(world)
    case = open_case(persons=[person])
    action = propose_action(
        case, actor=cast.alice, kind=ActionKind.PERMIT_CHANGE, person=person, permit=permit,
        grounds="Converted by decision", details={"permit_type": "ITAP"},
    )  # fmt: skip
    approve_action(action, actor=cast.bob)
    execute_action(action, actor=cast.alice, executed_on=TODAY)
    execute_action(action, actor=cast.alice, executed_on=TODAY)
    permit.refresh_from_db()
    assert (permit.permit_type, permit.revision) == ("ITAP", 2)
    assert FactRevision.objects.filter(kind="stay-permit", fact_id=permit.pk).count() == 1
    assert AuditEvent.objects.filter(verb="registry.permit_changed").count() == 1


def test_a_limit_is_checked_again_against_the_permit_when_it_is_executed(
    world: Any, open_case: Any, cast: Any
) -> None:
    from timpora.cases.actions.measures import WrongState

    person, permit = _holder(world)
    case = open_case(persons=[person])
    action = propose_action(
        case, actor=cast.alice, kind=ActionKind.PERMIT_LIMIT, person=person, permit=permit,
        grounds="Sponsor withdrew", details={"valid_until": _day(-100)},
    )  # fmt: skip
    approve_action(action, actor=cast.bob)
    # Meanwhile the permit's source shortens it further than the limit would.
    who = world.person("NGUYEN VAN THANG", nationality="VNM", passport="C8842211")
    world.permit(who, number="2C21AB0012-X", valid_from=_day(100), valid_until=_day(-50))
    with pytest.raises(WrongState):
        execute_action(action, actor=cast.alice, executed_on=TODAY)
    permit.refresh_from_db()
    assert permit.valid_until == TODAY + timedelta(days=50)  # not lengthened again


def test_a_cancelled_permit_is_not_limited_afterwards(
    world: Any, open_case: Any, cast: Any
) -> None:
    from timpora.cases.actions.measures import WrongState

    person, permit = _holder(world)
    case = open_case(persons=[person])
    limit = propose_action(
        case, actor=cast.alice, kind=ActionKind.PERMIT_LIMIT, person=person, permit=permit,
        grounds="Sponsor withdrew", details={"valid_until": _day(-100)},
    )  # fmt: skip
    cancel = propose_action(
        case, actor=cast.alice, kind=ActionKind.PERMIT_CANCEL, person=person, permit=permit,
        grounds="Worked elsewhere", details={},
    )  # fmt: skip
    approve_action(limit, actor=cast.bob)
    approve_action(cancel, actor=cast.bob)
    execute_action(cancel, actor=cast.alice, executed_on=TODAY)
    with pytest.raises(WrongState):
        execute_action(limit, actor=cast.alice, executed_on=TODAY)
    permit.refresh_from_db()
    assert (permit.status, permit.revision) == ("CANCELLED", 2)
