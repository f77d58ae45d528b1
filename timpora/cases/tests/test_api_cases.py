"""The cases API: opening from alert codes (201, then 200 for the same alerts), listing and
reading (scoped, audited), referrals and their answers; 404 out of scope, 403 for auditors,
409 for a refused step, 422 for bad values."""

from __future__ import annotations

import json

import pytest

from timpora.accounts.actions import create_api_token
from timpora.audit.models import AuditEvent
from timpora.cases.choices import CaseStatus, CaseType, ReferralStatus
from timpora.cases.models import Case, Referral
from timpora.detection.choices import AlertStatus

pytestmark = pytest.mark.django_db

LEGAL = "UU 13/2003 Pasal 42; PP 34/2021"


def _bearer(user):
    _token, raw = create_api_token(user, name="test", days=1, actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, url, user, body=None):
    data = "" if body is None else json.dumps(body)
    return client.post(url, data, content_type="application/json", **_bearer(user))


def _get(client, url, user, **params):
    return client.get(url, params, **_bearer(user))


@pytest.fixture
def created(cast, client, overstay_alert):
    response = _post(
        client, "/api/v1/cases", cast.alice, {"alerts": [str(overstay_alert.code)], "title": ""}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_case_is_opened_from_alert_codes(cast, client, overstay_alert, created):
    body = created
    assert body["case_type"] == CaseType.OVERSTAY  # from the alert's rule
    assert body["number"].startswith("0001/KASUS/IMI-BTM/")
    assert body["alerts"] == [str(overstay_alert.code)]
    assert [p["name"] for p in body["persons"]] == ["TAN WEI MING"]
    assert body["status"] == CaseStatus.OPEN and body["owning_agency"] == "IMI-BTM"
    assert len(body["tasks"]) >= 4
    overstay_alert.refresh_from_db()
    assert overstay_alert.status == AlertStatus.ESCALATED
    # The same submission again: 200 with the same case.
    again = _post(client, "/api/v1/cases", cast.bob, {"alerts": [str(overstay_alert.code)]})
    assert again.status_code == 200
    assert again.json()["code"] == body["code"]
    assert Case.objects.count() == 1


def test_opening_refusals(cast, client, overstay_alert):
    alert = str(overstay_alert.code)
    # Disnaker does not see an OVERSTAY alert: 404, as if it did not exist.
    assert _post(client, "/api/v1/cases", cast.charlie, {"alerts": [alert]}).status_code == 404
    assert _post(client, "/api/v1/cases", cast.alice, {"alerts": ["nope"]}).status_code == 404
    # An auditor reads, does not open.
    assert _post(client, "/api/v1/cases", cast.erin, {"alerts": [alert]}).status_code == 403
    # Nothing to open a case on.
    response = _post(client, "/api/v1/cases", cast.alice, {"case_type": "OTHER"})
    assert response.status_code == 422
    assert not Case.objects.exists()
    # A dismissed alert: a refused step.
    _post(client, f"/api/v1/alerts/{alert}/dismiss", cast.alice, {"reason": "NOT_A_VIOLATION"})
    assert _post(client, "/api/v1/cases", cast.alice, {"alerts": [alert]}).status_code == 409


def test_listing_and_reading_are_scoped_and_audited(cast, client, created):
    code = created["code"]
    listed = _get(client, "/api/v1/cases", cast.alice, status="OPEN")
    assert listed.status_code == 200
    assert [c["code"] for c in listed.json()["items"]] == [code]
    assert _get(client, "/api/v1/cases", cast.alice, status="CLOSED").json()["count"] == 0
    assert _get(client, "/api/v1/cases", cast.alice, agency="DISNAKER-BTM").json()["count"] == 0
    assert _get(client, "/api/v1/cases", cast.charlie).json()["count"] == 0
    assert _get(client, "/api/v1/cases", cast.erin).json()["count"] == 1  # auditors read all
    assert AuditEvent.objects.filter(verb="cases.listed").count() == 5

    read = _get(client, f"/api/v1/cases/{code}", cast.alice)
    assert read.status_code == 200 and read.json()["number"] == created["number"]
    viewed = AuditEvent.objects.get(verb="cases.viewed")
    assert (viewed.subject_code, viewed.purpose) == (code, "INVESTIGATION")
    assert _get(client, f"/api/v1/cases/{code}", cast.charlie).status_code == 404
    assert _get(client, f"/api/v1/cases/{code}", cast.gita).status_code == 404


def test_a_referral_over_the_api(cast, client, created):
    code = created["code"]
    body = {"to_agency": "DISNAKER-BTM", "request": "Check the work permit", "legal_basis": LEGAL}
    # Only the owner sends; disnaker does not see the case yet; auditors do not write.
    assert _post(client, f"/api/v1/cases/{code}/referrals", cast.charlie, body).status_code == 404
    assert _post(client, f"/api/v1/cases/{code}/referrals", cast.erin, body).status_code == 403
    bad = _post(client, f"/api/v1/cases/{code}/referrals", cast.alice, {**body, "to_agency": "X"})
    assert bad.status_code == 422
    sent = _post(client, f"/api/v1/cases/{code}/referrals", cast.alice, body)
    assert sent.status_code == 201
    referral = sent.json()
    assert (referral["status"], referral["to_agency"]) == (ReferralStatus.SENT, "DISNAKER-BTM")
    assert _post(client, f"/api/v1/cases/{code}/referrals", cast.alice, body).status_code == 200
    # The receiver's inbox and the case.
    inbox = _get(client, "/api/v1/referrals", cast.charlie).json()
    assert [r["code"] for r in inbox["items"]] == [referral["code"]]
    assert _get(client, "/api/v1/referrals", cast.alice).json()["count"] == 0  # not its inbox
    assert _get(client, f"/api/v1/cases/{code}", cast.charlie).status_code == 200
    # The sender cannot answer its own referral: 409. The police cannot see it: 404.
    url = f"/api/v1/referrals/{referral['code']}"
    assert _post(client, f"{url}/accept", cast.alice).status_code == 409
    assert _post(client, f"{url}/accept", cast.gita).status_code == 404
    assert _post(client, f"{url}/complete", cast.charlie, {"outcome": "x"}).status_code == 409
    accepted = _post(client, f"{url}/accept", cast.charlie, {"note": "On it"})
    assert accepted.status_code == 200 and accepted.json()["status"] == ReferralStatus.ACCEPTED
    assert _post(client, f"{url}/decline", cast.charlie, {"reason": "late"}).status_code == 409
    done = _post(client, f"{url}/complete", cast.charlie, {"outcome": "Permit in order"})
    assert done.status_code == 200
    assert Referral.objects.get().outcome == "Permit in order"


def test_a_declined_referral_leaves_the_receivers_inbox(cast, client, created):
    code = created["code"]
    body = {"to_agency": "DISNAKER-BTM", "request": "Check", "legal_basis": LEGAL}
    referral = _post(client, f"/api/v1/cases/{code}/referrals", cast.alice, body).json()
    url = f"/api/v1/referrals/{referral['code']}"
    assert _post(client, f"{url}/decline", cast.charlie, {"reason": " "}).status_code == 422
    assert _post(client, f"{url}/decline", cast.charlie, {"reason": "No RPTKA"}).status_code == 200
    assert _get(client, "/api/v1/referrals", cast.charlie).json()["count"] == 0
    assert _get(client, f"/api/v1/cases/{code}", cast.charlie).status_code == 404
    detail = _get(client, f"/api/v1/cases/{code}", cast.alice).json()
    [answer] = detail["referrals"]
    assert (answer["status"], answer["decline_reason"]) == (ReferralStatus.DECLINED, "No RPTKA")


def test_an_officer_of_another_agency_gets_404_everywhere(cast, client, created):
    code = created["code"]
    body = {"to_agency": "POLRESTA-BRL", "request": "Check", "legal_basis": LEGAL}
    referral = _post(client, f"/api/v1/cases/{code}/referrals", cast.alice, body).json()
    rcode = referral["code"]
    for user in (cast.charlie, cast.gita):
        assert _get(client, f"/api/v1/cases/{code}", user).status_code == 404
        assert _post(client, f"/api/v1/cases/{code}/referrals", user, body).status_code == 404
        for step, payload in (
            ("accept", None),
            ("decline", {"reason": "x"}),
            ("complete", {"outcome": "x"}),
        ):
            response = _post(client, f"/api/v1/referrals/{rcode}/{step}", user, payload)
            assert response.status_code == 404, (user, step)
        assert _get(client, "/api/v1/referrals", user).json()["count"] == 0
        assert _get(client, "/api/v1/cases", user).json()["count"] == 0
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_auditors_get_403_on_every_write(cast, client, created):
    code = created["code"]
    body = {"to_agency": "DISNAKER-BTM", "request": "Check", "legal_basis": LEGAL}
    referral = _post(client, f"/api/v1/cases/{code}/referrals", cast.alice, body).json()
    rcode = referral["code"]
    assert _post(client, "/api/v1/cases", cast.erin, {"title": "x"}).status_code == 403
    assert _post(client, f"/api/v1/cases/{code}/referrals", cast.erin, body).status_code == 403
    for step, payload in (
        ("accept", None),
        ("decline", {"reason": "x"}),
        ("complete", {"outcome": "x"}),
    ):
        assert (
            _post(client, f"/api/v1/referrals/{rcode}/{step}", cast.erin, payload).status_code
            == 403
        )
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_a_case_by_hand_names_persons_the_caller_may_see(cast, client, overstay_alert):
    person = str(overstay_alert.person.code)
    body = {"persons": [person], "case_type": "VISITOR_WORKING", "title": "Tip", "priority": "HIGH"}
    # Local government sees no persons: the code is unknown to it.
    assert _post(client, "/api/v1/cases", cast.gita, body).status_code == 404
    response = _post(client, "/api/v1/cases", cast.alice, body)
    assert response.status_code == 201
    case = response.json()
    assert (case["origin"], case["priority"], case["case_type"]) == (
        "MANUAL",
        "HIGH",
        "VISITOR_WORKING",
    )
    assert [p["code"] for p in case["persons"]] == [person]
    assert case["alerts"] == []
