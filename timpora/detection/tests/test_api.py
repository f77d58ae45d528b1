"""The alerts API: the caller's alerts in the export shape, scoped, filtered, audited, and the
officer's steps with their refusals as problems."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from timpora.accounts.actions import create_api_token
from timpora.audit.models import AuditEvent
from timpora.detection import actions
from timpora.detection.models import Alert

WIB = ZoneInfo("Asia/Jakarta")
SHAPE = {
    "code",
    "rule",
    "status",
    "severity",
    "subject_type",
    "subject",
    "explanation",
    "evidence",
    "risk",
    "first_detected_at",
    "as_of",
}


def _bearer(user):
    _token, raw = create_api_token(user, name="test", days=1, actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, user, body=None):
    """POST a JSON body; without one, an empty body (the note is optional)."""
    data = "" if body is None else json.dumps(body)
    return client.post(url, data, content_type="application/json", **_bearer(user))


@pytest.fixture
def overstay(world):
    """TAN WEI MING, three weeks past the stay granted at arrival: one OVERSTAY alert."""
    tan = world.person(passport="K1234567A")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30", key="BC-2026-03-01-000118")
    world.detect("2026-04-20", "OVERSTAY")
    [alert] = world.alerts("OVERSTAY")
    return alert


@pytest.fixture
def two(world, overstay):
    """A second overstayer, detected a day later."""
    lee = world.person("LEE MIN HO", nationality="KOR", date_of_birth="1985-02-03")
    world.arrive(lee, "2026-03-05 10:00", until="2026-04-03")
    world.detect("2026-04-21", "OVERSTAY")
    first, second = world.alerts("OVERSTAY")
    Alert.objects.filter(pk=first.pk).update(
        first_detected_at=datetime(2026, 4, 20, 1, 0, tzinfo=WIB)
    )
    Alert.objects.filter(pk=second.pk).update(
        first_detected_at=datetime(2026, 4, 21, 1, 0, tzinfo=WIB)
    )
    return first, second


# --- Listing ---------------------------------------------------------------------------------


def test_it_lists_the_agencys_alerts_in_the_export_shape_with_their_code(cast, overstay, client):
    response = client.get("/api/v1/alerts", **_bearer(cast.alice))

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (1, 50, 0)
    [item] = body["items"]
    assert set(item) == SHAPE
    assert item["code"] == str(overstay.code)
    assert item["rule"] == "OVERSTAY"
    assert item["status"] == "NEW"
    assert item["severity"] == "HIGH"
    assert item["subject_type"] == "PERSON"
    assert item["subject"] == {
        "full_name": "TAN WEI MING",
        "nationality": "SGP",
        "passport_number": "K1234567A",
        "date_of_birth": "1979-04-12",
    }
    assert item["evidence"] == [
        {"kind": "border-crossing", "source": "IMI-BTM", "key": "BC-2026-03-01-000118"}
    ]
    assert item["risk"] == pytest.approx(0.6)
    assert item["first_detected_at"].endswith("+07:00")
    assert item["as_of"] == "2026-04-20"


def test_it_audits_a_listing_with_its_purpose_and_the_codes_returned(cast, overstay, client):
    client.get("/api/v1/alerts", {"rule": "OVERSTAY"}, **_bearer(cast.alice))

    event = AuditEvent.objects.get(verb="detection.alerts_listed")
    assert event.actor == cast.alice
    assert event.purpose == "SUPERVISION"
    assert event.changes["alerts"] == [str(overstay.code)]
    assert event.changes["filters"]["rule"] == "OVERSTAY"


def test_it_gives_the_explanation_in_the_language_asked(cast, overstay, client):
    headers = _bearer(cast.alice)
    english = client.get("/api/v1/alerts", {"language": "en"}, **headers).json()["items"][0]
    indonesian = client.get("/api/v1/alerts", {"language": "id"}, **headers).json()["items"][0]

    assert english["explanation"] == overstay.explanation_en
    assert indonesian["explanation"] == overstay.explanation_id
    assert "21 days" in english["explanation"]


def test_it_lists_nothing_to_an_agency_the_rule_is_not_routed_to(cast, overstay, client):
    response = client.get("/api/v1/alerts", **_bearer(cast.charlie))

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["items"] == []


def test_it_lists_nothing_to_an_agency_without_alerts_in_its_access_profile(cast, overstay, client):
    actions.set_routes("OVERSTAY", ["IMMIGRATION", "LOCAL_GOVERNMENT"], actor=cast.dina)

    assert overstay.agencies.filter(pk=cast.kesbangpol.pk).exists()
    response = client.get("/api/v1/alerts", **_bearer(cast.gita))
    assert response.json()["count"] == 0


def test_an_auditor_sees_every_alert(cast, overstay, client):
    response = client.get("/api/v1/alerts", **_bearer(cast.erin))

    assert [i["code"] for i in response.json()["items"]] == [str(overstay.code)]


def test_it_filters_by_repeated_status(cast, two, client):
    first, second = two
    actions.acknowledge(first, actor=cast.alice)
    headers = _bearer(cast.alice)

    new = client.get("/api/v1/alerts", {"status": "NEW"}, **headers).json()
    both = client.get("/api/v1/alerts", {"status": ["NEW", "ACKNOWLEDGED"]}, **headers).json()
    closed = client.get("/api/v1/alerts", {"status": "RESOLVED"}, **headers).json()

    assert [i["code"] for i in new["items"]] == [str(second.code)]
    assert {i["code"] for i in both["items"]} == {str(first.code), str(second.code)}
    assert closed["count"] == 0


def test_it_filters_by_rule_and_severity(cast, two, client):
    headers = _bearer(cast.alice)

    assert client.get("/api/v1/alerts", {"rule": "OVERSTAY"}, **headers).json()["count"] == 2
    assert client.get("/api/v1/alerts", {"rule": "NO_SKTT"}, **headers).json()["count"] == 0
    assert client.get("/api/v1/alerts", {"severity": "HIGH"}, **headers).json()["count"] == 2
    assert client.get("/api/v1/alerts", {"severity": "LOW"}, **headers).json()["count"] == 0


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-04-20T01:00:00+07:00", 2),
        ("2026-04-20T01:00:01+07:00", 1),
        ("2026-04-21T01:00:00+07:00", 1),  # at the moment itself: included
        ("2026-04-21T01:00:01+07:00", 0),
        ("2026-04-21T01:00:00", 1),  # no offset: WIB
        ("2026-04-20T18:00:00Z", 1),  # 01:00 WIB the next day
        ("2026-04-20T18:00:01Z", 0),
        ("2026-04-21", 1),  # a date: from midnight WIB
        ("2026-04-22", 0),
    ],
)
def test_it_filters_by_first_detection_at_or_after_since(cast, two, client, since, expected):
    response = client.get("/api/v1/alerts", {"since": since}, **_bearer(cast.alice))

    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_a_newer_alert_comes_first_and_pages_follow_limit_and_offset(cast, two, client):
    first, second = two
    headers = _bearer(cast.alice)

    page1 = client.get("/api/v1/alerts", {"limit": 1}, **headers).json()
    page2 = client.get("/api/v1/alerts", {"limit": 1, "offset": 1}, **headers).json()

    assert page1["count"] == page2["count"] == 2
    assert [i["code"] for i in page1["items"]] == [str(second.code)]
    assert [i["code"] for i in page2["items"]] == [str(first.code)]
    assert client.get("/api/v1/alerts", {"limit": 201}, **headers).status_code == 422


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"rule": "NOPE"}, "query.rule"),
        ({"since": "yesterday"}, "query.since"),
        ({"status": "OPEN"}, "status"),
        ({"severity": "URGENT"}, "severity"),
    ],
)
def test_it_refuses_bad_filters_as_problems(cast, overstay, client, params, location):
    response = client.get("/api/v1/alerts", params, **_bearer(cast.alice))

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert location in response.json()["errors"][0]["location"]
    assert not AuditEvent.objects.filter(verb="detection.alerts_listed").exists()


def test_it_requires_authentication(overstay, client):
    response = client.get("/api/v1/alerts")

    assert response.status_code == 401
    assert response.json()["type"].endswith("/unauthenticated")


def test_it_lists_alerts_with_a_fixed_number_of_queries(
    cast, world, overstay, client, django_assert_num_queries
):
    headers = _bearer(cast.alice)
    client.get("/api/v1/alerts", **headers)
    with django_assert_num_queries(QUERIES) as one:
        client.get("/api/v1/alerts", **headers)
    for i in range(12):
        who = world.person(f"WONG {i}", passport=f"W{i:07d}")
        world.arrive(who, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-20", "OVERSTAY")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/alerts", **headers)
    assert response.json()["count"] == 13


# token with user and agency, access profile, count, page, audit (5 with its savepoint); the
# export shape: ids, alerts with subjects, passports, and the risk's parameters (one per subject
# kind) with the open alerts of the persons on the page
QUERIES = 16


# --- One alert ---------------------------------------------------------------------------------


def test_it_returns_one_alert_and_audits_the_read(cast, overstay, client):
    response = client.get(f"/api/v1/alerts/{overstay.code}", **_bearer(cast.alice))

    assert response.status_code == 200
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == str(overstay.code)
    event = AuditEvent.objects.get(verb="detection.alert_viewed")
    assert event.subject_code == str(overstay.code)
    assert event.purpose == "SUPERVISION"


def test_it_answers_404_to_an_officer_of_another_agency(cast, overstay, client):
    response = client.get(f"/api/v1/alerts/{overstay.code}", **_bearer(cast.charlie))

    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert not AuditEvent.objects.filter(verb="detection.alert_viewed").exists()


def test_it_answers_404_to_a_code_that_is_no_alert(cast, overstay, client):
    headers = _bearer(cast.alice)

    assert client.get("/api/v1/alerts/not-a-code", **headers).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/api/v1/alerts/{missing}", **headers).status_code == 404


# --- Steps ---------------------------------------------------------------------------------------


def test_an_officer_acknowledges_an_alert(cast, overstay, client):
    response = _post(client, f"/api/v1/alerts/{overstay.code}/acknowledge", cast.alice)

    assert response.status_code == 200
    assert response.json()["status"] == "ACKNOWLEDGED"
    overstay.refresh_from_db()
    assert overstay.status == "ACKNOWLEDGED"
    assert overstay.handled_by == cast.alice
    assert AuditEvent.objects.filter(
        verb="detection.alert_acknowledged", subject_code=str(overstay.code), actor=cast.alice
    ).exists()


def test_acknowledging_twice_is_a_conflict(cast, overstay, client):
    url = f"/api/v1/alerts/{overstay.code}/acknowledge"
    _post(client, url, cast.alice, {"note": "looking"})

    response = _post(client, url, cast.bob)

    assert response.status_code == 409
    assert response.json()["type"].endswith("/not-allowed")
    overstay.refresh_from_db()
    assert overstay.handled_by == cast.alice
    assert overstay.note == "looking"


def test_an_officer_escalates_then_resolves_with_a_note(cast, overstay, client):
    base = f"/api/v1/alerts/{overstay.code}"

    escalated = _post(client, f"{base}/escalate", cast.alice, {"note": "to enforcement"})
    resolved = _post(client, f"{base}/resolve", cast.bob, {"note": "deported"})

    assert escalated.json()["status"] == "ESCALATED"
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "RESOLVED"
    overstay.refresh_from_db()
    assert overstay.note == "deported"
    assert overstay.closed_at is not None
    assert _post(client, f"{base}/escalate", cast.alice).status_code == 409


def test_an_officer_dismisses_with_a_reason(cast, overstay, client):
    response = _post(
        client,
        f"/api/v1/alerts/{overstay.code}/dismiss",
        cast.alice,
        {"reason": "DATA_ERROR", "note": "the departure is missing from the file"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "DISMISSED"
    overstay.refresh_from_db()
    assert overstay.dismissal_reason == "DATA_ERROR"
    assert AuditEvent.objects.filter(verb="detection.alert_dismissed").count() == 1


@pytest.mark.parametrize(
    "body", [{"reason": "OTHER"}, {"reason": "OTHER", "note": "   "}, {"reason": "BORED"}, {}]
)
def test_a_dismissal_without_a_valid_reason_or_needed_note_is_refused(cast, overstay, client, body):
    response = _post(client, f"/api/v1/alerts/{overstay.code}/dismiss", cast.alice, body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    overstay.refresh_from_db()
    assert overstay.status == "NEW"
    assert not AuditEvent.objects.filter(verb="detection.alert_dismissed").exists()


def test_an_auditor_may_read_but_not_act(cast, overstay, client):
    assert client.get(f"/api/v1/alerts/{overstay.code}", **_bearer(cast.erin)).status_code == 200

    for step in ("acknowledge", "escalate", "resolve"):
        response = _post(client, f"/api/v1/alerts/{overstay.code}/{step}", cast.erin)
        assert response.status_code == 403
    response = _post(
        client,
        f"/api/v1/alerts/{overstay.code}/dismiss",
        cast.erin,
        {"reason": "NOT_A_VIOLATION"},
    )
    assert response.status_code == 403
    overstay.refresh_from_db()
    assert overstay.status == "NEW"


def test_an_officer_of_another_agency_cannot_act_on_an_alert_he_cannot_see(cast, overstay, client):
    response = _post(client, f"/api/v1/alerts/{overstay.code}/acknowledge", cast.charlie)

    assert response.status_code == 404
    overstay.refresh_from_db()
    assert overstay.status == "NEW"


def test_the_openapi_schema_describes_the_alert_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {
        "/api/v1/alerts",
        "/api/v1/alerts/{code}",
        "/api/v1/alerts/{code}/acknowledge",
        "/api/v1/alerts/{code}/dismiss",
        "/api/v1/alerts/{code}/escalate",
        "/api/v1/alerts/{code}/resolve",
    } <= paths.keys()
    parameters = {p["name"] for p in paths["/api/v1/alerts"]["get"]["parameters"]}
    assert {"status", "rule", "severity", "since", "limit", "offset"} <= parameters
