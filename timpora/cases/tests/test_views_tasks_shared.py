"""From the case page, the owner gives a task to an agency the case is sent to, and to one of
its officers; the officer sees it in their work. An officer of another agency is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from timpora.cases.actions.referrals import send_referral
from timpora.cases.models import Case
from timpora.cases.queries import my_work

pytestmark = pytest.mark.django_db


def _task_step(case: Case) -> str:
    return reverse("cases:step", args=[case.code, "task"])


def test_a_task_goes_to_the_agency_the_case_is_sent_to(cast: Any, overstay_case: Case) -> None:
    send_referral(
        overstay_case, actor=cast.alice, to_agency=cast.disnaker,
        request="Check the worksite", legal_basis="PP 34/2021",
    )  # fmt: skip
    client = cast.client_for(cast.alice)
    page = client.get(reverse("cases:case", args=[overstay_case.code])).content.decode()
    assert 'value="DISNAKER-BTM"' in page  # the agency is offered
    client.post(
        _task_step(overstay_case),
        {
            "task-title": "Inspect the shipyard",
            "task-agency": "DISNAKER-BTM",
            "task-assignee": "charlie",
        },
    )
    task = overstay_case.tasks.get(title="Inspect the shipyard")
    assert (task.agency, task.assignee) == (cast.disnaker, cast.charlie)
    assert task in my_work(cast.charlie).tasks


def test_an_officer_of_another_agency_is_refused_in_the_form(
    cast: Any, overstay_case: Case
) -> None:
    send_referral(
        overstay_case, actor=cast.alice, to_agency=cast.disnaker,
        request="Check the worksite", legal_basis="PP 34/2021",
    )  # fmt: skip
    before = overstay_case.tasks.count()
    response = cast.client_for(cast.alice).post(
        _task_step(overstay_case),
        {"task-title": "Mixed up", "task-agency": "IMI-BTM", "task-assignee": "charlie"},
    )
    assert overstay_case.tasks.count() == before
    assert response.status_code == 200
    assert "assignee" in response.context["steps"]["task"].errors


def test_an_agency_the_case_is_not_sent_to_is_not_offered(cast: Any, overstay_case: Case) -> None:
    before = overstay_case.tasks.count()
    cast.client_for(cast.alice).post(
        _task_step(overstay_case),
        {"task-title": "Not theirs", "task-agency": "DISNAKER-BTM", "task-assignee": "charlie"},
    )
    assert overstay_case.tasks.count() == before
