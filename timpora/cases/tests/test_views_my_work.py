"""My work ("Pekerjaan saya"): my cases, my tasks with the overdue first and marked, referrals
waiting for my agency, actions waiting for my approval, deadlines not yet met."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from timpora.cases.actions import cases as act
from timpora.cases.actions.measures import propose_action
from timpora.cases.actions.referrals import send_referral
from timpora.cases.choices import ActionKind

pytestmark = pytest.mark.django_db

MY_WORK = "cases:my_work"


def task_rows(body: str) -> list[str]:
    return re.findall(r'<tr class="task-row[^"]*" data-code="[^"]+">.*?</tr>', body, re.S)


def test_my_work_shows_my_case_and_my_overdue_task_first_and_marked(cast, open_case):
    case = open_case(title="Harbour tip", assignee=cast.alice)
    today = timezone.localdate()
    act.add_task(case, "Later task", actor=cast.alice, due_on=today + timedelta(days=5))
    act.add_task(
        case, "Overdue task", actor=cast.alice, assignee=cast.alice, due_on=today - timedelta(1)
    )

    response = cast.client_for(cast.alice).get(reverse(MY_WORK))

    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("cases:case", args=[case.code]) in body and "Harbour tip" in body
    rows = task_rows(body)
    assert "Overdue task" in rows[0] and "overdue-mark" in rows[0]
    assert any("Later task" in row and "overdue-mark" not in row for row in rows)
    assert response.context["work"].overdue_tasks == 1


def test_my_work_does_not_show_the_tasks_of_someone_elses_case(cast, open_case):
    case = open_case(title="Bob's", assignee=cast.bob)
    act.add_task(case, "Bob's task", actor=cast.alice, due_on=timezone.localdate())

    body = cast.client_for(cast.alice).get(reverse(MY_WORK)).content.decode()

    assert "Bob&#x27;s task" not in body and "Bob's task" not in body


def test_a_referral_waits_in_the_receiving_agencys_work_and_opens_its_case(cast, overstay_case):
    send_referral(
        overstay_case,
        actor=cast.alice,
        to_agency=cast.disnaker,
        request="Check whether he works at the shipyard",
        legal_basis="UU 13/2003",
    )
    client = cast.client_for(cast.charlie)

    body = client.get(reverse(MY_WORK)).content.decode()

    assert overstay_case.number in body and "Check whether he works" in body
    page = client.get(reverse("cases:case", args=[overstay_case.code]))
    assert page.status_code == 200
    assert not page.context["is_owner"] and page.context["is_participant"]
    assert set(page.context["steps"]) == {"note", "attachment"}


def test_an_action_waits_for_the_supervisors_approval_with_its_deadline(cast, overstay_case):
    person = overstay_case.persons.get()
    propose_action(
        overstay_case,
        actor=cast.alice,
        kind=ActionKind.PENANGKALAN,
        person=person,
        grounds="Overstayed",
        details={"years": 2, "reason": "Overstayed for 21 days"},
        urgent=True,
    )

    bob = cast.client_for(cast.bob).get(reverse(MY_WORK))
    alice = cast.client_for(cast.alice).get(reverse(MY_WORK))

    assert [a.case for a in bob.context["work"].approvals] == [overstay_case]
    assert "my-approval" in bob.content.decode()
    assert alice.context["work"].approvals == []  # never one's own proposal
    assert overstay_case.number in alice.content.decode().split("my-deadlines-heading")[-1]


def test_an_auditor_has_no_work_list(cast, overstay_case: Any):
    response = cast.client_for(cast.erin).get(reverse(MY_WORK))

    assert response.status_code == 200
    assert response.context["work"].is_empty
