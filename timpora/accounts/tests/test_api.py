"""The HTTP API in general: its schema, problem details, and the agencies."""

from __future__ import annotations

import pytest
from django.test import Client

from timpora.accounts import actions
from timpora.accounts.models import Agency


def _bearer(user):
    _token, raw = actions.create_api_token(user, name="test", days=1, actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_serves_the_openapi_schema_without_authentication(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert {"/api/v1/me", "/api/v1/agencies", "/api/v1/persons"} <= response.json()["paths"].keys()


@pytest.mark.parametrize("code", ["0b4f9c3e-7d1a-4e55-9a60-2f3c8d1e5b77", "not-a-code"])
def test_it_answers_a_problem_404_for_an_unknown_person(cast, code):
    response = Client().get(
        f"/api/v1/persons/{code}", {"purpose": "SUPERVISION"}, **_bearer(cast.alice)
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (404, "Not Found")
    assert body["type"].endswith("/not-found")


def test_it_lists_the_agencies(cast):
    response = Client().get("/api/v1/agencies", **_bearer(cast.alice))
    assert response.status_code == 200
    codes = [agency["code"] for agency in response.json()]
    assert codes == sorted(Agency.objects.values_list("code", flat=True))
    assert {"IMI-BTM", "DISNAKER-BTM"} <= set(codes)


def test_it_lists_the_agencies_with_a_fixed_number_of_queries(cast, django_assert_num_queries):
    client, headers = Client(), _bearer(cast.alice)
    client.get("/api/v1/agencies", **headers)
    # token with user and agency, agencies
    with django_assert_num_queries(2):
        client.get("/api/v1/agencies", **headers)


def test_it_shows_an_agency_its_own_access_profile(cast):
    response = Client().get("/api/v1/agencies/DISNAKER-BTM", **_bearer(cast.charlie))
    assert response.status_code == 200
    assert response.json()["access"] == dict(
        cast.disnaker.access_grants.values_list("category", "level")
    )


def test_it_shows_a_coordinator_the_access_profile_of_any_agency(cast):
    response = Client().get("/api/v1/agencies/DISNAKER-BTM", **_bearer(cast.dina))
    assert response.json()["access"]["WORK_PERMITS"] == "RECORD"


def test_it_hides_an_agencys_access_profile_from_other_agencies(cast):
    response = Client().get("/api/v1/agencies/DISNAKER-BTM", **_bearer(cast.alice))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "DISNAKER-BTM"
    assert "access" in body
    assert body["access"] is None


def test_it_answers_a_problem_404_for_an_unknown_agency(cast):
    response = Client().get("/api/v1/agencies/NOPE-BTM", **_bearer(cast.alice))
    assert response.status_code == 404
    assert response.json()["status"] == 404
