"""The overstay charge (biaya beban): days times the charge valid on each day, the 60-day threshold
(UU 6/2011 Pasal 78), and its payment recorded when the action is executed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from timpora.cases.actions.measures import approve_action, execute_action, propose_action
from timpora.cases.choices import ActionKind, ActionStatus, DeadlineKind, EventKind
from timpora.cases.measures import ChargePart, overstay_charge, validate
from timpora.cases.models import AdministrativeAction, Case, Deadline
from timpora.detection.actions import set_parameter
from timpora.registry.models import Person

pytestmark = pytest.mark.django_db

UNTIL = date(2026, 3, 30)  # the last authorised day
MILLION = Decimal(1_000_000)


@pytest.mark.parametrize(
    ("days", "amount", "over"),
    [
        (1, "Rp 1.000.000", False),
        (59, "Rp 59.000.000", False),
        (60, "Rp 60.000.000", False),
        (61, "Rp 61.000.000", True),
    ],
)
def test_the_charge_is_days_times_the_daily_charge_up_to_the_threshold(
    cast: Any, days: int, amount: str, over: bool
) -> None:
    charge = overstay_charge(UNTIL, UNTIL + timedelta(days=days))
    assert charge.days == days
    assert charge.amount == MILLION * days
    assert charge.amount_text == amount
    assert charge.threshold_days == 60
    assert charge.over_threshold is over
    assert charge.parts == [
        ChargePart(date(2026, 3, 31), UNTIL + timedelta(days=days), MILLION, days, MILLION * days)
    ]


@pytest.mark.parametrize(
    ("as_of", "expected_parts"),
    [
        # All days before the change: the old charge only.
        (date(2026, 4, 9), [(date(2026, 3, 31), date(2026, 4, 9), 1_000_000, 10)]),
        # Across the change: 10 days at the old charge, 5 at the new.
        (
            date(2026, 4, 14),
            [
                (date(2026, 3, 31), date(2026, 4, 9), 1_000_000, 10),
                (date(2026, 4, 10), date(2026, 4, 14), 1_500_000, 5),
            ],
        ),
    ],
)
def test_each_day_costs_the_charge_valid_that_day(
    cast: Any, as_of: date, expected_parts: list[tuple[date, date, int, int]]
) -> None:
    set_parameter(
        "OVERSTAY_CHARGE_PER_DAY",
        Decimal(1_500_000),
        valid_from=date(2026, 4, 10),
        legal_basis="PP 45/2026 (test)",
        actor=cast.dina,
    )
    charge = overstay_charge(UNTIL, as_of)
    parts = [(p.first, p.last, int(p.per_day), p.days) for p in charge.parts]
    assert parts == expected_parts
    assert charge.amount == sum(Decimal(per_day) * n for _f, _t, per_day, n in expected_parts)
    assert charge.days == sum(n for *_rest, n in expected_parts)


def test_a_charge_over_the_threshold_is_refused_for_deportation(cast: Any) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate(
            ActionKind.OVERSTAY_CHARGE,
            {"authorised_until": "2026-03-30", "as_of": str(UNTIL + timedelta(days=61))},
        )
    message = " ".join(caught.value.messages)
    assert "61" in message and "Pasal 78" in message and "deportation" in message.lower()


def test_a_charge_within_the_stay_is_refused(cast: Any) -> None:
    with pytest.raises(ValidationError):
        validate(
            ActionKind.OVERSTAY_CHARGE, {"authorised_until": "2026-03-30", "as_of": "2026-03-30"}
        )


@pytest.fixture
def tan(world: Any) -> Person:
    world.arrive(world.person(passport="K1234567A"), "2026-03-01 10:00", until="2026-03-30")
    return Person.objects.get()


@pytest.fixture
def case(open_case: Any, tan: Person) -> Case:
    return open_case(persons=[tan])


def _propose_charge(case: Case, tan: Person, cast: Any, days: int) -> AdministrativeAction:
    return propose_action(
        case,
        actor=cast.alice,
        kind=ActionKind.OVERSTAY_CHARGE,
        person=tan,
        grounds="Stayed beyond the permit",
        # What the client sends as the amount is ignored: the server computes it.
        details={
            "authorised_until": "2026-03-30",
            "as_of": str(UNTIL + timedelta(days=days)),
            "amount": "1",
        },
    )


def test_proposing_sixty_days_is_allowed_and_sixty_one_refused(
    case: Case, tan: Person, cast: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        _propose_charge(case, tan, cast, 61)
    assert "Pasal 78" in " ".join(caught.value.messages)
    action = _propose_charge(case, tan, cast, 60)
    assert action.days == 60
    assert action.amount == MILLION * 60
    assert action.details["amount"] == "60000000"
    assert action.details["amount_text"] == "Rp 60.000.000"
    assert action.details["parts"][0]["from"] == "2026-03-31"


def test_the_payment_is_recorded_when_the_charge_is_executed(
    case: Case, tan: Person, cast: Any
) -> None:
    action = _propose_charge(case, tan, cast, 5)
    approve_action(action, actor=cast.bob)
    deadline = Deadline.objects.get(action=action)
    assert deadline.kind == DeadlineKind.PAYMENT and deadline.met_at is None
    with pytest.raises(ValidationError) as caught:
        execute_action(action, actor=cast.alice, details={"paid_on": "2026-04-05"})
    assert "receipt_number" in caught.value.message_dict
    execute_action(
        action,
        actor=cast.alice,
        details={"paid_on": "2026-04-05", "receipt_number": "PNBP-820260405-0001"},
    )
    action.refresh_from_db()
    deadline.refresh_from_db()
    assert action.status == ActionStatus.EXECUTED
    assert action.details["payment"] == {
        "paid_on": "2026-04-05",
        "receipt_number": "PNBP-820260405-0001",
    }
    assert deadline.met_at is not None
    fact = case.events.get(kind=EventKind.FACT_RECORDED)
    assert "Rp 5.000.000" in fact.text and "PNBP-820260405-0001" in fact.text
