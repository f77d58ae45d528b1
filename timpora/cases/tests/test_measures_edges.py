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
