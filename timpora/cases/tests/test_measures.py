"""Administrative actions: proposed, approved by a second person, executed or cancelled;
their deadlines; every step audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from timpora.accounts import actions as accounts
from timpora.accounts.choices import Role
from timpora.audit.models import AuditEvent
from timpora.cases import measures
from timpora.cases.actions.common import NotAllowed
from timpora.cases.actions.measures import (
    WrongState,
    approve_action,
    cancel_action,
    deadlines_met_by_order,
    execute_action,
    meet_deadline,
    propose_action,
)
from timpora.cases.choices import ActionKind, ActionStatus, CaseStatus, DeadlineKind, EventKind
from timpora.cases.models import AdministrativeAction, Case, Deadline
from timpora.registry.models import Person

pytestmark = pytest.mark.django_db

DETENTION = {
    "decision_number": "W.4.IMI.IMI-BTM.GR.02-123",
    "reason": "Awaiting deportation; no ticket",
    "place": "Ruang Detensi Kantor Imigrasi Batam",
    "start": "2026-04-21",
    "review_on": "2026-05-21",
}
DEPORTATION = {
    "route": "Batam Centre - Singapore HarbourFront (ferry)",
    "checkpoint": "BTM-BC",
    "departure_on": "2026-04-25",
    "escort": "alice",
    "entry_ban_years": 2,
    "entry_ban_reason": "Overstayed 51 days and worked without a permit",
}


@pytest.fixture
def tan(world: Any) -> Person:
    who = world.person(passport="K1234567A")
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    return Person.objects.get()


@pytest.fixture
def case(open_case: Any, tan: Person) -> Case:
    return open_case(persons=[tan], title="TAN WEI MING")


def _propose(case: Case, person: Person, actor: Any, **options: Any) -> AdministrativeAction:
    options.setdefault("kind", ActionKind.DETENTION)
    options.setdefault("details", DETENTION)
    return propose_action(
        case, actor=actor, person=person, grounds="Overstay found at inspection", **options
    )


def _verbs(action: AdministrativeAction) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_code=str(action.code))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def test_it_proposes_an_action_and_the_case_awaits_the_decision(
    case: Case, tan: Person, cast: Any
) -> None:
    action = _propose(case, tan, cast.alice)
    assert action.status == ActionStatus.PROPOSED
    assert action.agency == cast.imigrasi
    assert action.legal_basis == measures.SPECS[ActionKind.DETENTION].legal_basis
    assert action.effective_on == date(2026, 4, 21)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTION_PENDING
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.ACTION_PROPOSED in kinds and EventKind.STATUS in kinds
    assert _verbs(action) == ["cases.action_proposed"]


def test_the_proposer_cannot_approve_their_own_action(case: Case, tan: Person, cast: Any) -> None:
    action = _propose(case, tan, cast.bob)  # a supervisor proposes
    with pytest.raises(NotAllowed):
        approve_action(action, actor=cast.bob)
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED and action.approved_by is None


def test_a_coordinator_who_proposed_cannot_approve_either(
    case: Case, tan: Person, cast: Any
) -> None:
    action = _propose(case, tan, cast.dina)
    with pytest.raises(NotAllowed):
        approve_action(action, actor=cast.dina)
    approve_action(action, actor=cast.bob)
    action.refresh_from_db()
    assert action.status == ActionStatus.APPROVED and action.approved_by == cast.bob


@pytest.mark.parametrize("who", ["alice", "erin", "fajar", "charlie"])
def test_only_a_supervisor_or_coordinator_of_the_agency_approves(
    case: Case, tan: Person, cast: Any, who: str
) -> None:
    action = _propose(case, tan, cast.alice)
    with pytest.raises(NotAllowed):
        approve_action(action, actor=getattr(cast, who))
    assert AdministrativeAction.objects.get().status == ActionStatus.PROPOSED


def test_a_supervisor_of_another_agency_cannot_approve(case: Case, tan: Person, cast: Any) -> None:
    boss, _ = accounts.create_user(
        agency=cast.disnaker, username="boss", full_name="Boss", role=Role.SUPERVISOR, actor=None
    )
    action = _propose(case, tan, cast.alice)
    with pytest.raises(NotAllowed):
        approve_action(action, actor=boss)


def test_only_an_immigration_agency_proposes(
    open_case: Any, tan: Person, cast: Any, police: Any, polisi: Any
) -> None:
    case = open_case(actor=polisi, persons=[tan])
    with pytest.raises(NotAllowed):
        _propose(case, tan, polisi)


def test_the_person_must_be_a_subject_of_the_case(case: Case, world: Any, cast: Any) -> None:
    other = world.person("LIM AH KOW", passport="K7654321B")
    world.arrive(other, "2026-03-03 10:00", until="2026-04-01")
    stranger = Person.objects.get(full_name="LIM AH KOW")
    with pytest.raises(ValidationError) as caught:
        _propose(case, stranger, cast.alice)
    assert "person" in caught.value.message_dict


@pytest.fixture
def english() -> Any:
    """The messages are compared in English."""
    with translation.override("en"):
        yield


def test_details_are_validated_field_by_field(
    case: Case, tan: Person, cast: Any, english: None
) -> None:
    with pytest.raises(ValidationError) as caught:
        _propose(
            case,
            tan,
            cast.alice,
            details={**DETENTION, "review_on": "2026-04-01", "decision_number": ""},
        )
    assert "decision_number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _propose(case, tan, cast.alice, details={**DETENTION, "review_on": "2026-04-01"})
    assert "after the detention starts" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        _propose(
            case, tan, cast.alice, kind=ActionKind.PENANGKALAN, details={"years": 11, "reason": "x"}
        )
    assert "years" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _propose(case, tan, cast.alice, kind=ActionKind.DEPORTATION,
                 details={**DEPORTATION, "checkpoint": "XXX-9"})  # fmt: skip
    assert "checkpoint" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _propose(case, tan, cast.alice, kind=ActionKind.DEPORTATION,
                 details={**DEPORTATION, "entry_ban_reason": ""})  # fmt: skip
    assert "reason" in " ".join(caught.value.messages)
    assert not AdministrativeAction.objects.exists()


def test_an_approved_detention_gets_its_review_deadline(case: Case, tan: Person, cast: Any) -> None:
    action = _propose(case, tan, cast.alice)
    approve_action(action, actor=cast.bob)
    deadline = Deadline.objects.get(action=action)
    assert deadline.kind == DeadlineKind.DETENTION_REVIEW
    assert timezone.localtime(deadline.due_at).date() == date(2026, 5, 22)  # end of 21 May
    case.refresh_from_db()
    decided = case.decided_at
    assert decided is not None
    # A second decision does not move the first.
    second = _propose(case, tan, cast.alice, kind=ActionKind.RESIDENCE_ORDER,
                      details={"address": "Jl. Engku Putri 1, Batam Centre"})  # fmt: skip
    approve_action(second, actor=cast.dina)
    case.refresh_from_db()
    assert case.decided_at == decided


def test_an_urgent_field_action_owes_a_written_order_within_a_day(
    case: Case, tan: Person, cast: Any
) -> None:
    action = _propose(case, tan, cast.alice, urgent=True)
    deadline = Deadline.objects.get(action=action, kind=DeadlineKind.WRITTEN_ORDER)
    assert deadline.due_at == action.created_at + timedelta(hours=24)
    assert deadline.met_at is None
    met = deadlines_met_by_order(case, action, actor=cast.alice)
    assert [d.pk for d in met] == [deadline.pk]
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    assert AuditEvent.objects.filter(verb="cases.deadline_met").count() == 1
    # Issuing another order changes nothing.
    assert deadlines_met_by_order(case, action, actor=cast.alice) == []


def test_meeting_a_deadline_is_for_the_owning_agency(case: Case, tan: Person, cast: Any) -> None:
    _propose(case, tan, cast.alice, urgent=True)
    deadline = Deadline.objects.get()
    with pytest.raises(NotAllowed):
        meet_deadline(deadline, actor=cast.charlie)
    meet_deadline(deadline, actor=cast.alice, note="SP issued by hand")
    deadline.refresh_from_db()
    assert deadline.met_at is not None and deadline.note == "SP issued by hand"


def test_only_an_approved_action_is_executed(case: Case, tan: Person, cast: Any) -> None:
    action = _propose(case, tan, cast.alice)
    with pytest.raises(WrongState):
        execute_action(action, actor=cast.alice)
    approve_action(action, actor=cast.bob)
    execute_action(action, actor=cast.alice, note="Placed in detention")
    action.refresh_from_db()
    case.refresh_from_db()
    assert action.status == ActionStatus.EXECUTED and action.executed_by == cast.alice
    assert case.executed_at == action.executed_at
    assert _verbs(action) == [
        "cases.action_proposed",
        "cases.action_approved",
        "cases.action_executed",
    ]


def test_cancelling_needs_a_reason_and_a_live_action(case: Case, tan: Person, cast: Any) -> None:
    action = _propose(case, tan, cast.alice)
    approve_action(action, actor=cast.bob)
    with pytest.raises(ValidationError):
        cancel_action(action, actor=cast.alice, reason="  ")
    with pytest.raises(NotAllowed):
        cancel_action(action, actor=cast.charlie, reason="not mine")
    cancel_action(action, actor=cast.alice, reason="He bought a ticket and left")
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED
    assert action.cancel_reason == "He bought a ticket and left"
    # Its review deadline lapses with it; the case is back to investigation.
    assert not Deadline.objects.filter(met_at__isnull=True).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING
    with pytest.raises(WrongState):
        cancel_action(action, actor=cast.bob, reason="again")
    with pytest.raises(WrongState):
        approve_action(action, actor=cast.bob)
    assert _verbs(action)[-1] == "cases.action_cancelled"


def test_a_second_live_action_of_the_same_kind_is_refused(
    case: Case, tan: Person, cast: Any
) -> None:
    _propose(case, tan, cast.alice)
    with pytest.raises(WrongState):
        _propose(case, tan, cast.alice)
    assert AdministrativeAction.objects.count() == 1


def test_auditors_and_other_agencies_cannot_propose(case: Case, tan: Person, cast: Any) -> None:
    for who in (cast.erin, cast.charlie):
        with pytest.raises(NotAllowed):
            _propose(case, tan, who)
    assert not AdministrativeAction.objects.exists()
