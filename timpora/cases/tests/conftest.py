"""Shared fixtures of the cases tests: the detection World, the police, a real overstay alert,
and a helper to open a case through the real action.

Other helpers add their fixtures below, each under a heading of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from timpora.accounts import actions as accounts
from timpora.accounts.choices import AgencyKind, Role
from timpora.accounts.models import Agency, User
from timpora.cases.choices import CaseType
from timpora.cases.models import Case
from timpora.detection.models import Alert
from timpora.detection.tests.conftest import World
from timpora.testing import Cast, Facts

# --- The world and the agencies ----------------------------------------------------------------


@pytest.fixture
def world(facts: Facts, cast: Cast) -> World:
    """Persons, crossings, permits and stays through the real importer; ``world.detect``."""
    return World(facts, cast)


@pytest.fixture
def police(cast: Cast) -> Agency:
    """Polresta Barelang (reference data)."""
    return Agency.objects.get(code="POLRESTA-BRL", kind=AgencyKind.POLICE)


@pytest.fixture
def polisi(police: Agency) -> User:
    """An officer of the police."""
    user, _password = accounts.create_user(
        agency=police, username="polisi", full_name="Polisi", role=Role.OFFICER, actor=None
    )
    return user


# --- Alerts -----------------------------------------------------------------------------------


@pytest.fixture
def overstay_alert(world: World) -> Alert:
    """TAN WEI MING arrived on 1 March 2026 with a stay granted to 30 March; the rules run as of
    20 April raise one OVERSTAY alert (NEW), routed to immigration."""
    tan = world.person(passport="K1234567A")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-20", "OVERSTAY")
    [alert] = world.alerts("OVERSTAY")
    return alert


# --- Cases ------------------------------------------------------------------------------------

OpenCase = Callable[..., Case]


@pytest.fixture
def open_case(cast: Cast) -> OpenCase:
    """``open_case(alerts=[...], actor=..., **options)`` through the real action; ``alice`` of
    immigration by default, the case type from the alerts' rule (OTHER by hand)."""
    from timpora.cases.actions.cases import open_case as open_
    from timpora.cases.playbooks import case_type_for

    def opener(*, actor: User | None = None, **options: Any) -> Case:
        alerts = list(options.pop("alerts", ()))
        case_type = options.pop("case_type", None)
        if case_type is None:
            case_type = case_type_for(alerts[0]) if alerts else CaseType.OTHER
        options.setdefault("title", "Test case")
        opened = open_(actor=actor or cast.alice, case_type=case_type, alerts=alerts, **options)
        return opened.case

    return opener


@pytest.fixture
def overstay_case(open_case: OpenCase, overstay_alert: Alert) -> Case:
    """An OVERSTAY case opened by alice from the overstay alert."""
    return open_case(alerts=[overstay_alert], title="Overstay TAN WEI MING")


# --- Documents ---------------------------------------------------------------------------------

DEPORTATION_DETAILS = {
    "route": "Batam Centre - Singapore HarbourFront (ferry)",
    "checkpoint": "BTM-BC",
    "departure_on": "2026-04-25",
    "escort": "Alice, Bob",
    "entry_ban_years": 2,
    "entry_ban_reason": "Overstayed and worked without a permit",
}


@pytest.fixture
def tan(world: World) -> Any:
    """TAN WEI MING (passport K1234567A), in on a visit stay that ended on 30 March 2026."""
    from timpora.registry.models import Person

    who = world.person(passport="K1234567A")
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    return Person.objects.get()


@pytest.fixture
def tan_case(open_case: OpenCase, tan: Any) -> Case:
    """alice's case about TAN WEI MING, opened by hand."""
    return open_case(persons=[tan], title="TAN WEI MING")


@pytest.fixture
def approved_deportation(tan_case: Case, tan: Any, cast: Cast) -> Any:
    """A deportation with a two-year entry ban: proposed by alice, approved by bob."""
    from timpora.cases.actions.measures import approve_action, propose_action
    from timpora.cases.choices import ActionKind

    action = propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.DEPORTATION,
        person=tan,
        grounds="Stayed beyond the permit and worked at a shipyard",
        details=DEPORTATION_DETAILS,
    )
    return approve_action(action, actor=cast.bob)
