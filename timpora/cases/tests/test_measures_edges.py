"""Edges of the administrative actions found in review: a charge outside the known prices or in
the future is refused with a message (never a crash), a case whose last action is executed goes
back to its officer, and a ban is extended only at the end of its chain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from timpora.cases.actions.measures import approve_action, execute_action, propose_action
from timpora.cases.choices import ActionKind, ActionStatus, CaseStatus, EventKind
from timpora.cases.measures import validate
from timpora.cases.models import AdministrativeAction, Case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("details", "field"),
    [
        # The seeded charge holds from 2000: days before it have no price.
        ({"authorised_until": "1990-01-01", "as_of": "1990-01-20"}, "authorised_until"),
        (
            {
                "authorised_until": str(TODAY - timedelta(days=3)),
                "as_of": str(TODAY + timedelta(days=1)),
            },
            "as_of",
        ),
    ],
)
def test_a_charge_without_a_price_or_in_the_future_is_refused(
    cast: Any, details: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate(ActionKind.OVERSTAY_CHARGE, details)
    assert list(caught.value.message_dict) == [field]


def test_the_api_answers_a_charge_without_a_price_with_422(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    response = cast.client_for(cast.alice).post(
        f"/api/v1/cases/{tan_case.code}/actions",
        {
            "kind": "OVERSTAY_CHARGE",
            "person": str(tan.code),
            "grounds": "Overstay",
            "details": {"authorised_until": "1990-01-01", "as_of": "1990-01-20"},
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not AdministrativeAction.objects.exists()


def test_a_case_goes_back_to_its_officer_when_its_last_action_is_executed(
    approved_deportation: AdministrativeAction, tan_case: Case, cast: Any
) -> None:
    tan_case.refresh_from_db()
    assert tan_case.status == CaseStatus.ACTION_PENDING
    execute_action(approved_deportation, actor=cast.alice, executed_on=TODAY)
    tan_case.refresh_from_db()
    assert tan_case.status == CaseStatus.INVESTIGATING
    kinds = list(tan_case.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.ACTION_EXECUTED, EventKind.STATUS]


def test_a_case_with_another_live_action_stays_pending(
    approved_deportation: AdministrativeAction, tan_case: Case, tan: Any, cast: Any
) -> None:
    other = propose_action(
        tan_case, actor=cast.alice, kind=ActionKind.PENANGKALAN, person=tan,
        grounds="Listed as well", details={"years": 1, "reason": "Overstay"},
    )  # fmt: skip
    execute_action(approved_deportation, actor=cast.alice, executed_on=TODAY)
    tan_case.refresh_from_db()
    assert (tan_case.status, other.status) == (CaseStatus.ACTION_PENDING, ActionStatus.PROPOSED)


def test_only_the_last_extension_of_an_entry_ban_is_extended(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    def ban(extends: AdministrativeAction | None = None) -> AdministrativeAction:
        action = propose_action(
            tan_case, actor=cast.alice, kind=ActionKind.PENANGKALAN, person=tan,
            grounds="Entry ban", details={"years": 1, "reason": "Overstay"}, extends=extends,
        )  # fmt: skip
        approve_action(action, actor=cast.bob)
        return execute_action(action, actor=cast.alice, executed_on=TODAY)

    first = ban()
    second = ban(extends=first)
    with pytest.raises(ValidationError) as caught:
        propose_action(
            tan_case, actor=cast.alice, kind=ActionKind.PENANGKALAN, person=tan,
            grounds="Again", details={"years": 1, "reason": "Overstay"}, extends=first,
        )  # fmt: skip
    assert "extends" in caught.value.message_dict
    third = ban(extends=second)
    assert third.ends_on == second.ends_on.replace(year=second.ends_on.year + 1)


def test_a_payment_sent_with_the_proposal_is_not_recorded(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    action = propose_action(
        tan_case, actor=cast.alice, kind=ActionKind.OVERSTAY_CHARGE, person=tan,
        grounds="Overstay",
        details={
            "authorised_until": str(TODAY - timedelta(days=10)),
            "as_of": str(TODAY),
            "payment": {"paid_on": str(TODAY), "receipt_number": "FAKE-1"},
        },
    )  # fmt: skip
    assert "payment" not in action.details
    assert action.details["days"] == 10


def test_a_detention_review_stays_in_my_work_after_the_case_is_closed(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    from timpora.cases.actions.cases import close_case
    from timpora.cases.choices import DeadlineKind, Outcome
    from timpora.cases.queries import my_work

    action = propose_action(
        tan_case, actor=cast.alice, kind=ActionKind.DETENTION, person=tan,
        grounds="Awaiting deportation",
        details={
            "decision_number": "D-1", "reason": "Flight risk", "place": "Rudenim Batam",
            "start": str(TODAY), "review_on": str(TODAY + timedelta(days=20)),
        },
    )  # fmt: skip
    approve_action(action, actor=cast.bob)
    execute_action(action, actor=cast.alice, executed_on=TODAY)
    close_case(tan_case, actor=cast.alice, outcome=Outcome.ACTION_TAKEN)
    kinds = [d.kind for d in my_work(cast.alice).deadlines]
    assert kinds == [DeadlineKind.DETENTION_REVIEW]
