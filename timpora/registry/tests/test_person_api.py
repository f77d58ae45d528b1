from __future__ import annotations

from timpora.accounts.actions import create_api_token
from timpora.audit.models import AuditEvent
from timpora.testing import TAN, crossing


def _bearer(user):
    _token, raw = create_api_token(user, name="test", days=1, actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_lists_persons_with_a_purpose_and_audits_the_codes_returned(cast, people, client):
    response = client.get(
        "/api/v1/persons", {"purpose": "SUPERVISION", "name": "zhang"}, **_bearer(cast.alice)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["name_original"] == "张伟"
    assert body["items"][0]["in_country"] is True
    event = AuditEvent.objects.get(verb="person.listed")
    assert event.purpose == "SUPERVISION"
    assert event.changes["codes"] == [str(people["ZHANG WEI"].code)]


def test_it_refuses_a_list_without_a_purpose_as_a_problem(cast, people, client):
    response = client.get("/api/v1/persons", {"name": "zhang"}, **_bearer(cast.alice))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"].endswith("purpose")


def test_it_returns_a_person_with_the_sections_the_agency_may_see(cast, people, client):
    code = people["NGUYEN VAN THANG"].code
    response = client.get(
        f"/api/v1/persons/{code}", {"purpose": "ENFORCEMENT"}, **_bearer(cast.charlie)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["stay_permits"][0]["permit_number"] == "2C21AB0012-X"
    assert body["crossings"] is None
    assert "CROSSINGS" not in body["sections"]
    assert AuditEvent.objects.filter(
        verb="person.viewed", subject_code=str(code), purpose="ENFORCEMENT"
    ).exists()


def test_it_answers_404_to_an_officer_of_another_agency(cast, people, client):
    code = people["TAN WEI MING"].code
    response = client.get(
        f"/api/v1/persons/{code}", {"purpose": "SUPERVISION"}, **_bearer(cast.charlie)
    )
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert not AuditEvent.objects.filter(verb="person.viewed").exists()


def test_it_lists_nobody_to_local_government(cast, people, client):
    response = client.get(
        "/api/v1/persons", {"purpose": "EVALUATION", "name": "TAN"}, **_bearer(cast.gita)
    )
    assert response.json()["count"] == 0


def test_it_requires_authentication(people, client):
    response = client.get("/api/v1/persons", {"purpose": "SUPERVISION", "name": "TAN"})
    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthenticated")


def test_it_lists_persons_with_a_fixed_number_of_queries(
    cast, people, facts, client, django_assert_num_queries
):
    headers = _bearer(cast.alice)
    params = {"purpose": "SUPERVISION", "name": "W"}
    client.get("/api/v1/persons", params, **headers)
    # token with user and agency, access profile, count, persons, documents, audit (5)
    with django_assert_num_queries(10):
        client.get("/api/v1/persons", params, **headers)
    facts.add(
        "border-crossing",
        [
            crossing(
                {**TAN, "full_name": f"WONG {i}", "passport_number": f"W{i:07d}"},
                f"W-{i}",
                "ARRIVAL",
                "2026-03-01T12:20:00+07:00",
            )
            for i in range(15)
        ],
        source=cast.imigrasi,
    )
    with django_assert_num_queries(10):
        response = client.get("/api/v1/persons", params, **headers)
    assert response.json()["count"] == 17
