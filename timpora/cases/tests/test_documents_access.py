"""Documents on the case page and through the API: issued by the owning agency only, downloaded
by those who may see the case (audited), a 404 for everyone else."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from timpora.audit.models import AuditEvent
from timpora.cases.actions.documents import issue_document
from timpora.cases.actions.measures import propose_action
from timpora.cases.choices import ActionKind, DocumentKind
from timpora.cases.models import Case, IssuedDocument
from timpora.cases.tests.conftest import DEPORTATION_DETAILS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def order(tan_case: Case, cast: Any) -> IssuedDocument:
    return issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice)


def issue_url(case: Case) -> str:
    return reverse("cases:document_issue", args=[case.code])


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page_lists_documents_and_offers_the_forms(
    tan_case: Case, order: IssuedDocument, cast: Any
) -> None:
    html = cast.client_for(cast.alice).get(reverse("cases:case", args=[tan_case.code])).content
    page = html.decode()
    assert order.number in page
    assert reverse("cases:document", args=[order.code]) in page
    assert issue_url(tan_case) in page
    assert 'value="KEPUTUSAN_TAK"' in page


def test_an_auditor_sees_the_documents_but_no_form(
    tan_case: Case, order: IssuedDocument, cast: Any
) -> None:
    page = cast.client_for(cast.erin).get(reverse("cases:case", args=[tan_case.code]))
    assert order.number in page.content.decode()
    assert issue_url(tan_case) not in page.content.decode()


def test_an_officer_issues_an_order_from_the_case_page(tan_case: Case, cast: Any) -> None:
    response = cast.client_for(cast.alice).post(
        issue_url(tan_case),
        {
            "kind": "SURAT_PERINTAH",
            "officers": "alice\nbob",
            "place": "Tanjung Uncang",
            "period_from": "2026-04-21",
            "period_to": "2026-04-22",
        },
        follow=True,
    )
    [document] = IssuedDocument.objects.all()
    assert response.redirect_chain[-1][0].startswith(reverse("cases:case", args=[tan_case.code]))
    assert document.number in response.content.decode()
    assert [o["name"] for o in document.content["officers"]] == ["Alice", "Bob"]
    assert document.content["place"] == "Tanjung Uncang"


def test_an_officer_records_an_examination_from_the_case_page(
    tan_case: Case, tan: Any, cast: Any
) -> None:
    cast.client_for(cast.alice).post(
        issue_url(tan_case),
        {
            "kind": "BAP",
            "person": str(tan.code),
            "examined_at": "2026-04-21T09:15",
            "questions": "Apa pekerjaan Saudara?\nTukang las.\n\nSejak kapan?\nMaret 2026.",
        },
    )
    [document] = IssuedDocument.objects.all()
    assert document.content["questions"] == [
        {"q": "Apa pekerjaan Saudara?", "a": "Tukang las."},
        {"q": "Sejak kapan?", "a": "Maret 2026."},
    ]
    assert document.content["examined_at"] == "2026-04-21T09:15"


def test_a_refusal_comes_back_as_a_message(tan_case: Case, tan: Any, cast: Any) -> None:
    proposed = propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.DEPORTATION,
        person=tan,
        grounds="Overstay",
        details=DEPORTATION_DETAILS,
    )
    response = cast.client_for(cast.alice).post(
        issue_url(tan_case), {"kind": "KEPUTUSAN_TAK", "action": str(proposed.code)}, follow=True
    )
    with translation.override("id"):  # the page's language
        refusal = gettext("A decision is issued only for an approved action.")
    assert escape(refusal) in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_another_agency_cannot_issue_from_the_page(tan_case: Case, cast: Any) -> None:
    response = cast.client_for(cast.charlie).post(issue_url(tan_case), {"kind": "SURAT_PERINTAH"})
    assert response.status_code == 404
    response = cast.client_for(cast.erin).post(issue_url(tan_case), {"kind": "SURAT_PERINTAH"})
    assert response.status_code == 302
    assert not IssuedDocument.objects.exists()


def test_issuing_needs_a_post_and_the_csrf_token(tan_case: Case, cast: Any) -> None:
    client = cast.client_for(cast.alice)
    assert client.get(issue_url(tan_case)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.alice)
    assert strict.post(issue_url(tan_case), {"kind": "SURAT_PERINTAH"}).status_code == 403
    assert not IssuedDocument.objects.exists()


# --- Download ---------------------------------------------------------------------------------


def test_the_pdf_is_downloaded_by_those_who_see_the_case_and_audited(
    order: IssuedDocument, cast: Any
) -> None:
    url = reverse("cases:document", args=[order.code])
    response = cast.client_for(cast.alice).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert order.number.replace("/", "-") + ".pdf" in response["Content-Disposition"]
    assert hashlib.sha256(response.content).hexdigest() == order.sha256
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(verb="cases.document_downloaded")
    assert event.actor == cast.alice
    assert event.subject_code == str(order.code)


def test_another_agency_gets_404_and_nothing_is_audited(order: IssuedDocument, cast: Any) -> None:
    url = reverse("cases:document", args=[order.code])
    assert cast.client_for(cast.charlie).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in page
    assert not AuditEvent.objects.filter(verb="cases.document_downloaded").exists()


def test_a_file_changed_on_disk_is_not_served(order: IssuedDocument, cast: Any) -> None:
    with open(order.file.path, "ab") as handle:
        handle.write(b"%% tampered")
    url = reverse("cases:document", args=[order.code])
    assert cast.client_for(cast.alice).get(url).status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_a_cases_documents(tan_case: Case, order: IssuedDocument, cast: Any) -> None:
    response = cast.client_for(cast.alice).get(f"/api/v1/cases/{tan_case.code}/documents")
    assert response.status_code == 200
    [item] = response.json()
    assert item["number"] == order.number
    assert item["kind"] == "SURAT_PERINTAH"
    assert item["sha256"] == order.sha256
    assert item["download"].endswith(reverse("cases:document", args=[order.code]))
    other = cast.client_for(cast.charlie).get(f"/api/v1/cases/{tan_case.code}/documents")
    assert other.status_code == 404


def test_the_api_issues_a_decision(tan_case: Case, approved_deportation: Any, cast: Any) -> None:
    response = cast.client_for(cast.alice).post(
        f"/api/v1/cases/{tan_case.code}/documents",
        {"kind": "KEPUTUSAN_TAK", "action": str(approved_deportation.code)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("0001/KEP-TAK/IMI-BTM/")
    assert body["action"] == str(approved_deportation.code)
    assert IssuedDocument.objects.get(code=body["code"]).action == approved_deportation


def test_the_api_refuses_by_scope_role_and_state(tan_case: Case, tan: Any, cast: Any) -> None:
    url = f"/api/v1/cases/{tan_case.code}/documents"
    order = {"kind": "SURAT_PERINTAH"}
    assert cast.client_for(cast.charlie).post(url, order, "application/json").status_code == 404
    assert cast.client_for(cast.erin).post(url, order, "application/json").status_code == 403
    proposed = propose_action(
        tan_case,
        actor=cast.alice,
        kind=ActionKind.DEPORTATION,
        person=tan,
        grounds="Overstay",
        details=DEPORTATION_DETAILS,
    )
    decision = {"kind": "KEPUTUSAN_TAK", "action": str(proposed.code)}
    refused = cast.client_for(cast.alice).post(url, decision, "application/json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    invalid = cast.client_for(cast.alice).post(
        url, {"kind": "BAP", "content": {"nonsense": 1}}, "application/json"
    )
    assert invalid.status_code == 422
    assert not IssuedDocument.objects.exists()
