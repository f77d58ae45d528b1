"""The administrative actions API: propose, approve, execute, cancel and read, scoped (404 for
other agencies), with refusals as problems (403 role, 409 state, 422 details)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from timpora.accounts.actions import create_api_token
from timpora.audit.models import AuditEvent
from timpora.cases.choices import ActionStatus
from timpora.cases.models import AdministrativeAction, Case
from timpora.registry.models import Person

pytestmark = pytest.mark.django_db

DETENTION = {
    "decision_number": "W.4.IMI.IMI-BTM.GR.02-123",
    "reason": "Awaiting deportation",
    "place": "Ruang Detensi Kantor Imigrasi Batam",
    "start": "2026-04-21",
    "review_on": "2026-05-21",
}


class Api:
    """Calls as one user, with a bearer token."""

    def __init__(self, user: Any) -> None:
        _token, raw = create_api_token(user, name="test", days=1, actor=user)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        self.client = Client()

    def post(self, url: str, body: dict[str, Any] | None = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return self.client.post(
            "/api/v1" + url, data, content_type="application/json", **self.headers
        )

    def get(self, url: str) -> Any:
        return self.client.get("/api/v1" + url, **self.headers)


@pytest.fixture
def tan(world: Any) -> Person:
    world.arrive(world.person(passport="K1234567A"), "2026-03-01 10:00", until="2026-03-30")
    return Person.objects.get()


@pytest.fixture
def case(open_case: Any, tan: Person) -> Case:
    return open_case(persons=[tan])


def _proposal(tan: Person, **more: Any) -> dict[str, Any]:
    return {
        "kind": "DETENTION",
        "person": str(tan.code),
        "grounds": "Overstay found at inspection",
        "details": DETENTION,
        **more,
    }


def test_the_life_of_an_action_over_the_api(case: Case, tan: Person, cast: Any) -> None:
    alice, bob = Api(cast.alice), Api(cast.bob)
    response = alice.post(f"/cases/{case.code}/actions", _proposal(tan, urgent=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "PROPOSED" and body["person"] == str(tan.code)
    assert [d["kind"] for d in body["deadlines"]] == ["WRITTEN_ORDER"]
    code = body["code"]
    # Neither the proposer nor an officer approves (403); executing a proposal is a 409.
    assert alice.post(f"/actions/{code}/approve").status_code == 403
    assert alice.post(f"/actions/{code}/execute").status_code == 409
    response = bob.post(f"/actions/{code}/approve", {"note": "Agreed"})
    assert response.status_code == 200 and response.json()["status"] == "APPROVED"
    assert response.json()["approved_by"] == "bob"
    assert bob.post(f"/actions/{code}/approve").status_code == 409
    response = alice.post(f"/actions/{code}/execute", {"note": "Detained"})
    assert response.status_code == 200 and response.json()["status"] == "EXECUTED"
    kinds = {d["kind"] for d in response.json()["deadlines"]}
    assert kinds == {"WRITTEN_ORDER", "DETENTION_REVIEW"}
    listed = alice.get(f"/cases/{case.code}/actions").json()
    assert [a["code"] for a in listed] == [code]
    assert alice.get(f"/actions/{code}").json()["executed_at"]
    assert AuditEvent.objects.filter(verb="cases.viewed", subject_code=str(case.code)).exists()


def test_bad_details_are_a_422_field_by_field(case: Case, tan: Person, cast: Any) -> None:
    response = Api(cast.alice).post(
        f"/cases/{case.code}/actions",
        _proposal(tan, kind="PENANGKALAN", details={"years": 12}),
    )
    assert response.status_code == 422
    locations = {e["location"] for e in response.json()["errors"]}
    assert {"body.details.years", "body.details.reason"} <= locations
    assert not AdministrativeAction.objects.exists()


def test_an_overstay_charge_beyond_sixty_days_is_a_422(case: Case, tan: Person, cast: Any) -> None:
    response = Api(cast.alice).post(
        f"/cases/{case.code}/actions",
        _proposal(
            tan,
            kind="OVERSTAY_CHARGE",
            details={"authorised_until": "2026-03-30", "as_of": "2026-05-30"},
        ),
    )
    assert response.status_code == 422
    assert "Pasal 78" in response.json()["detail"]


def test_a_person_who_is_not_a_subject_is_a_422(case: Case, cast: Any, world: Any) -> None:
    world.arrive(world.person("LIM AH KOW", passport="K7654321B"), "2026-03-03", until="2026-04-01")
    other = Person.objects.get(full_name="LIM AH KOW")
    response = Api(cast.alice).post(f"/cases/{case.code}/actions", _proposal(other))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.person"


def test_auditors_read_but_do_not_act(case: Case, tan: Person, cast: Any) -> None:
    erin = Api(cast.erin)
    assert erin.post(f"/cases/{case.code}/actions", _proposal(tan)).status_code == 403
    code = Api(cast.alice).post(f"/cases/{case.code}/actions", _proposal(tan)).json()["code"]
    assert erin.get(f"/actions/{code}").status_code == 200
    assert erin.post(f"/actions/{code}/approve").status_code == 403
    assert erin.post(f"/actions/{code}/cancel", {"reason": "x"}).status_code == 403


def test_officers_of_another_agency_get_404(case: Case, tan: Person, cast: Any) -> None:
    code = Api(cast.alice).post(f"/cases/{case.code}/actions", _proposal(tan)).json()["code"]
    charlie = Api(cast.charlie)
    assert charlie.post(f"/cases/{case.code}/actions", _proposal(tan)).status_code == 404
    assert charlie.get(f"/cases/{case.code}/actions").status_code == 404
    assert charlie.get(f"/actions/{code}").status_code == 404
    for step in ("approve", "execute"):
        assert charlie.post(f"/actions/{code}/{step}").status_code == 404
    assert charlie.post(f"/actions/{code}/cancel", {"reason": "x"}).status_code == 404
    assert Api(cast.alice).get("/actions/not-a-code").status_code == 404
    assert AdministrativeAction.objects.get().status == ActionStatus.PROPOSED


def test_cancelling_over_the_api_needs_a_reason(case: Case, tan: Person, cast: Any) -> None:
    alice = Api(cast.alice)
    code = alice.post(f"/cases/{case.code}/actions", _proposal(tan)).json()["code"]
    assert alice.post(f"/actions/{code}/cancel", {"reason": " "}).status_code == 422
    response = alice.post(f"/actions/{code}/cancel", {"reason": "He left on his own"})
    assert response.status_code == 200 and response.json()["status"] == "CANCELLED"
    assert alice.post(f"/actions/{code}/cancel", {"reason": "again"}).status_code == 409


def test_a_permit_is_named_by_its_number(world: Any, open_case: Any, cast: Any) -> None:
    who = world.person("NGUYEN VAN THANG", nationality="VNM", passport="C8842211")
    world.permit(who, number="2C21AB0012-X")
    person = Person.objects.get()
    case = open_case(persons=[person])
    alice = Api(cast.alice)
    body = {
        "kind": "PERMIT_CANCEL",
        "person": str(person.code),
        "grounds": "Worked for another sponsor",
        "details": {},
    }
    response = alice.post(f"/cases/{case.code}/actions", {**body, "permit": "NOPE-1"})
    assert response.status_code == 422
    response = alice.post(f"/cases/{case.code}/actions", {**body, "permit": "2C21AB0012-X"})
    assert response.status_code == 201 and response.json()["permit_number"] == "2C21AB0012-X"
