"""An officer's work list: assigned cases, open tasks (overdue first), referrals waiting for the
agency's answer, actions waiting for a supervisor's approval, unmet deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from timpora.cases.actions import cases as case_actions
from timpora.cases.actions import referrals
from timpora.cases.choices import ActionKind, CaseType, DeadlineKind, Outcome, Priority
from timpora.cases.models import AdministrativeAction, Deadline
from timpora.cases.queries import cases_for, my_work

pytestmark = pytest.mark.django_db


def test_my_work_lists_what_waits_for_me_overdue_first(
    cast, open_case, overstay_alert, police, polisi
):
    today = timezone.localdate()
    case = open_case(alerts=[overstay_alert], assignee=cast.alice)
    urgent = open_case(title="Urgent", priority=Priority.URGENT, assignee=cast.alice)
    open_case(title="Someone else's", assignee=cast.bob)
    late = case_actions.add_task(
        case, "Late", actor=cast.bob, due_on=today - timedelta(days=2), assignee=cast.alice
    )
    soon = case_actions.add_task(
        case, "Soon", actor=cast.bob, due_on=today + timedelta(days=1), assignee=cast.alice
    )
    bobs = case_actions.add_task(case, "Bob's", actor=cast.bob, assignee=cast.bob)

    work = my_work(cast.alice)

    assert work.cases == [urgent, case]  # by priority
    # Alice's own tasks and the unassigned tasks of her cases (the playbook's), overdue first.
    assert work.tasks[0] == late
    assert soon in work.tasks and bobs not in work.tasks
    assert work.overdue_tasks == 1
    assert {t.case_id for t in work.tasks} <= {case.pk, urgent.pk}
    assert work.referrals == [] and work.approvals == []

    # A referral to the police waits in the police officer's list, and leaves it when answered.
    referral = referrals.send_referral(
        case, actor=cast.alice, to_agency=police, request="Check", legal_basis="UU 6/2011"
    )
    assert my_work(polisi).referrals == [referral]
    referrals.decline_referral(referral, actor=polisi, reason="Not ours")
    assert my_work(polisi).referrals == []
    assert my_work(polisi).is_empty

    # Closing a case takes its tasks off the list.
    case_actions.close_case(urgent, actor=cast.alice, outcome=Outcome.NO_VIOLATION)
    assert urgent not in my_work(cast.alice).cases


def test_supervisors_see_actions_to_approve_and_unmet_deadlines(
    cast, overstay_case, overstay_alert
):
    action = AdministrativeAction.objects.create(
        case=overstay_case,
        kind=ActionKind.DEPORTATION,
        person=overstay_alert.person,
        agency=cast.imigrasi,
        grounds="Overstay",
        legal_basis="UU 6/2011 Pasal 75",
        proposed_by=cast.alice,
        urgent=True,
    )
    later = Deadline.objects.create(
        case=overstay_case, kind=DeadlineKind.EXECUTION, due_at=timezone.now() + timedelta(days=3)
    )
    missed = Deadline.objects.create(
        case=overstay_case,
        action=action,
        kind=DeadlineKind.WRITTEN_ORDER,
        due_at=timezone.now() - timedelta(hours=2),
    )
    Deadline.objects.create(
        case=overstay_case,
        kind=DeadlineKind.PAYMENT,
        due_at=timezone.now() - timedelta(days=1),
        met_at=timezone.now(),
    )

    assert my_work(cast.bob).approvals == [action]
    assert my_work(cast.alice).approvals == []  # an officer, and the proposer
    assert my_work(cast.bob).deadlines == [missed, later]
    assert my_work(cast.bob).overdue_deadlines == 1
    assert my_work(cast.charlie).deadlines == []  # another agency's case
    assert my_work(cast.erin).is_empty  # auditors do not work on cases


def test_cases_for_filters_what_the_user_may_see(cast, open_case):
    a = open_case(title="Overstay A", case_type=CaseType.OVERSTAY)
    b = open_case(title="Lodging B", case_type=CaseType.NON_REPORTING_LODGING)
    c = open_case(actor=cast.charlie, title="Disnaker C")
    case_actions.close_case(b, actor=cast.alice, outcome=Outcome.COMPLIED)

    assert set(cases_for(cast.alice)) == {a, b}
    assert list(cases_for(cast.alice, status="open")) == [a]
    assert list(cases_for(cast.alice, case_type=CaseType.NON_REPORTING_LODGING)) == [b]
    assert list(cases_for(cast.charlie)) == [c]
    assert set(cases_for(cast.dina)) == {a, b, c}  # the coordinator sees every case
    assert list(cases_for(cast.dina, agency="DISNAKER-BTM")) == [c]
    assert list(cases_for(cast.alice, search="lodging")) == [b]
