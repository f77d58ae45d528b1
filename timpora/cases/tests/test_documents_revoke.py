"""A document withdrawn, a decision of another agency's action, and a decision issued once.

A revoked document stays genuine on the verification page but says it is no longer valid; only
the agency that issued it revokes it, with a reason. The decision on an action and the record of
a deportation belong to the agency that took the action, in its series and on its letterhead,
even after the case was transferred; and a second submission of the same one changes nothing.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from timpora.audit.models import AuditEvent
from timpora.cases.actions import referrals
from timpora.cases.actions.common import NotAllowed
from timpora.cases.actions.documents import (
    get_or_issue_document,
    issue_document,
    revoke_document,
    revoke_documents_of,
)
from timpora.cases.actions.measures import cancel_action, execute_action
from timpora.cases.choices import DocumentKind, EventKind
from timpora.cases.documents.tokens import token_for
from timpora.cases.models import Case, IssuedDocument, Series

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def decision(tan_case: Case, approved_deportation: Any, cast: Any) -> IssuedDocument:
    return issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )


@pytest.fixture
def transferred(tan_case: Case, approved_deportation: Any, cast: Any) -> Case:
    """alice's case, with bob's approved deportation, handed over to Disnaker (charlie)."""
    referral = referrals.send_referral(
        tan_case,
        actor=cast.alice,
        to_agency=cast.disnaker,
        request="Take the case over: the employer is yours to pursue.",
        legal_basis="UU 6/2011 Pasal 66",
        transfer=True,
    )
    referrals.accept_referral(referral, actor=cast.charlie)
    tan_case.refresh_from_db()
    assert tan_case.owning_agency == cast.disnaker
    return tan_case


def case_page(client: Client, case: Case) -> str:
    return client.get(reverse("cases:case", args=[case.code])).content.decode()


def in_indonesian(message: str) -> str:
    """``message`` as the page shows it (Bahasa Indonesia, the default, HTML-escaped)."""
    with translation.override("id"):
        return escape(gettext(message))


# --- Revoking --------------------------------------------------------------------------------


def test_the_issuing_agency_revokes_a_document_with_a_reason(
    decision: IssuedDocument, tan_case: Case, cast: Any
) -> None:
    revoked = revoke_document(decision, actor=cast.bob, reason="  Issued for the wrong person ")
    decision.refresh_from_db()
    assert decision.revoked_at is not None
    assert revoked.revoked_at == decision.revoked_at
    event = tan_case.events.get(kind=EventKind.DOCUMENT_REVOKED)
    assert event.actor == cast.bob
    assert event.data == {
        "document": str(decision.code),
        "kind": "KEPUTUSAN_TAK",
        "number": decision.number,
        "reason": "Issued for the wrong person",
    }
    audit = AuditEvent.objects.get(verb="cases.document_revoked")
    assert audit.actor == cast.bob
    assert audit.subject_code == str(decision.code)
    assert audit.changes["reason"] == "Issued for the wrong person"


def test_revoking_needs_a_reason_the_issuing_agency_and_a_live_document(
    decision: IssuedDocument, cast: Any
) -> None:
    with pytest.raises(ValidationError) as no_reason:
        revoke_document(decision, actor=cast.alice, reason="   ")
    assert "reason" in no_reason.value.message_dict
    for outsider in (cast.charlie, cast.erin):
        with pytest.raises(NotAllowed):
            revoke_document(decision, actor=outsider, reason="Mistake")
    decision.refresh_from_db()
    assert decision.revoked_at is None
    assert not AuditEvent.objects.filter(verb="cases.document_revoked").exists()
    revoke_document(decision, actor=cast.alice, reason="Mistake")
    first = IssuedDocument.objects.get(pk=decision.pk).revoked_at
    with pytest.raises(NotAllowed):
        revoke_document(decision, actor=cast.alice, reason="Again")
    assert IssuedDocument.objects.get(pk=decision.pk).revoked_at == first
    assert AuditEvent.objects.filter(verb="cases.document_revoked").count() == 1


def test_a_revoked_document_is_genuine_but_no_longer_valid(
    decision: IssuedDocument, cast: Any
) -> None:
    token = token_for(decision)
    revoke_document(decision, actor=cast.alice, reason="The action was withdrawn")
    response = Client().get(reverse("verify", args=[token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "verify-revoked" in html
    assert decision.number in html
    # The heading says it is not valid, not "Genuine document".
    assert 'class="verify-genuine"' not in html
    assert in_indonesian("Revoked: this document is no longer valid") in html
    assert in_indonesian("Genuine document") not in html.split("<main", 1)[1]
    body = Client().get(f"/api/v1/documents/verify/{token}").json()
    assert body["revoked"] is True


def test_cancelling_an_action_revokes_its_decision_but_not_its_order(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    order = issue_document(
        tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice, action=approved_deportation
    )
    other = issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice)
    first = issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    revoke_document(first, actor=cast.alice, reason="Typo in the route")
    second = issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    assert second.pk != first.pk  # the revoked one does not stand in the way
    earlier = IssuedDocument.objects.get(pk=first.pk).revoked_at
    cancel_action(approved_deportation, actor=cast.bob, reason="Wrong person")
    revoked = set(
        IssuedDocument.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True)
    )
    assert revoked == {first.pk, second.pk}  # the orders record what happened: they stay
    assert IssuedDocument.objects.get(pk=first.pk).revoked_at == earlier
    assert {order.pk, other.pk}.isdisjoint(revoked)
    assert tan_case.events.filter(kind=EventKind.DOCUMENT_REVOKED).count() == 2
    assert AuditEvent.objects.filter(verb="cases.document_revoked").count() == 2
    with pytest.raises(NotAllowed):
        revoke_documents_of(approved_deportation, actor=cast.charlie, reason="x")


# --- Revoking from the case page and the API ----------------------------------------------------


def revoke_url(document: IssuedDocument) -> str:
    return reverse("cases:document_revoke", args=[document.code])


def test_the_case_page_offers_the_issuing_agency_a_revoke_form(
    decision: IssuedDocument, tan_case: Case, cast: Any
) -> None:
    page = case_page(cast.client_for(cast.alice), tan_case)
    assert revoke_url(decision) in page
    assert 'name="reason"' in page
    assert revoke_url(decision) not in case_page(cast.client_for(cast.erin), tan_case)
    revoke_document(decision, actor=cast.alice, reason="Mistake")
    assert revoke_url(decision) not in case_page(cast.client_for(cast.alice), tan_case)


def test_an_officer_revokes_from_the_case_page(
    decision: IssuedDocument, tan_case: Case, cast: Any
) -> None:
    client = cast.client_for(cast.alice)
    assert client.get(revoke_url(decision)).status_code == 405
    refused = client.post(revoke_url(decision), {"reason": ""}, follow=True)
    assert in_indonesian("Give the reason for revoking the document.") in refused.content.decode()
    assert IssuedDocument.objects.get(pk=decision.pk).revoked_at is None
    done = client.post(revoke_url(decision), {"reason": "Wrong person"}, follow=True)
    back = reverse("cases:case", args=[tan_case.code])
    assert done.redirect_chain[-1][0].startswith(back)
    assert IssuedDocument.objects.get(pk=decision.pk).revoked_at is not None
    with translation.override("id"):
        said = gettext("Document %(number)s was revoked.") % {"number": decision.number}
    assert escape(said) in done.content.decode()


def test_another_agency_cannot_revoke_from_the_page(decision: IssuedDocument, cast: Any) -> None:
    assert cast.client_for(cast.charlie).post(
        revoke_url(decision), {"reason": "x"}
    ).status_code == (404)
    erin = cast.client_for(cast.erin).post(revoke_url(decision), {"reason": "x"})
    assert erin.status_code == 302
    assert IssuedDocument.objects.get(pk=decision.pk).revoked_at is None


def test_the_api_revokes_a_document(decision: IssuedDocument, cast: Any) -> None:
    url = f"/api/v1/documents/{decision.code}/revoke"
    assert cast.client_for(cast.charlie).post(
        url, {"reason": "x"}, "application/json"
    ).status_code == (404)
    assert cast.client_for(cast.erin).post(
        url, {"reason": "x"}, "application/json"
    ).status_code == (403)
    alice = cast.client_for(cast.alice)
    invalid = alice.post(url, {"reason": " "}, "application/json")
    assert invalid.status_code == 422
    assert invalid["Content-Type"] == "application/problem+json"
    assert IssuedDocument.objects.get(pk=decision.pk).revoked_at is None
    done = alice.post(url, {"reason": "Wrong person"}, "application/json")
    assert done.status_code == 200, done.content
    assert done.json()["code"] == str(decision.code)
    assert done.json()["revoked"] is True
    again = alice.post(url, {"reason": "Wrong person"}, "application/json")
    assert again.status_code == 409


# --- The decision belongs to the agency of the action --------------------------------------------


def test_after_a_transfer_the_decision_stays_with_the_agency_of_the_action(
    transferred: Case, approved_deportation: Any, cast: Any
) -> None:
    with pytest.raises(NotAllowed):
        issue_document(
            transferred, DocumentKind.KEPUTUSAN_TAK, actor=cast.charlie, action=approved_deportation
        )
    assert not IssuedDocument.objects.exists()
    document = issue_document(
        transferred, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    year = timezone.localdate().year
    assert document.number == f"0001/KEP-TAK/IMI-BTM/{year}"
    assert document.agency == cast.imigrasi
    assert document.content["agency"] == cast.imigrasi.name
    assert document.content["letterhead"][0] != ""
    assert cast.imigrasi.name.upper() in document.content["title"][0]
    assert not Series.objects.filter(agency=cast.disnaker).exists()
    executed = execute_action(approved_deportation, actor=cast.alice, note="Boarded")
    with pytest.raises(NotAllowed):
        issue_document(transferred, DocumentKind.BA_DEPORTASI, actor=cast.charlie, action=executed)
    record = issue_document(
        transferred, DocumentKind.BA_DEPORTASI, actor=cast.alice, action=executed
    )
    assert record.number.startswith("0001/BA-DEP/IMI-BTM/")
    # The case's own documents are the new owner's.
    order = issue_document(transferred, DocumentKind.SURAT_PERINTAH, actor=cast.charlie)
    assert order.number.startswith("0001/SP/DISNAKER-BTM/")
    with pytest.raises(NotAllowed):
        issue_document(transferred, DocumentKind.SURAT_PERINTAH, actor=cast.alice)


def test_after_a_transfer_the_page_and_api_follow_the_agency_of_the_action(
    transferred: Case, approved_deportation: Any, cast: Any
) -> None:
    url = f"/api/v1/cases/{transferred.code}/documents"
    body = {"kind": "KEPUTUSAN_TAK", "action": str(approved_deportation.code)}
    refused = cast.client_for(cast.charlie).post(url, body, "application/json")
    assert refused.status_code == 403
    option = f'<option value="{approved_deportation.code}">'
    alice_page = case_page(cast.client_for(cast.alice), transferred)
    assert 'value="KEPUTUSAN_TAK"' in alice_page
    assert option in alice_page.split('value="KEPUTUSAN_TAK"', 1)[1]
    assert 'value="SURAT_PERINTAH"' not in alice_page
    charlie_page = case_page(cast.client_for(cast.charlie), transferred)
    assert 'value="SURAT_PERINTAH"' in charlie_page
    assert 'value="KEPUTUSAN_TAK"' not in charlie_page
    issued = cast.client_for(cast.alice).post(url, body, "application/json")
    assert issued.status_code == 201, issued.content
    assert issued.json()["number"].startswith("0001/KEP-TAK/IMI-BTM/")


# --- Once per action --------------------------------------------------------------------------


def test_the_same_decision_is_issued_once(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    first, created = get_or_issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )
    assert created
    again, created = get_or_issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.bob, action=approved_deportation
    )
    assert not created
    assert again == first
    assert (
        issue_document(
            tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
        )
        == first
    )
    assert IssuedDocument.objects.count() == 1
    assert Series.objects.get(agency=cast.imigrasi, kind=DocumentKind.KEPUTUSAN_TAK).last == 1
    assert tan_case.events.filter(kind=EventKind.DOCUMENT_ISSUED).count() == 1
    assert AuditEvent.objects.filter(verb="cases.document_issued").count() == 1
    executed = execute_action(approved_deportation, actor=cast.alice, note="Boarded")
    record = issue_document(
        tan_case, DocumentKind.BA_DEPORTASI, actor=cast.alice, action=executed, content={}
    )
    assert (
        issue_document(
            tan_case,
            DocumentKind.BA_DEPORTASI,
            actor=cast.alice,
            action=executed,
            content={"note": "Other words"},
        )
        == record
    )
    assert IssuedDocument.objects.filter(kind=DocumentKind.BA_DEPORTASI).count() == 1
    # Orders are not about one decision: each is a document of its own.
    issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice, action=executed)
    issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice, action=executed)
    assert IssuedDocument.objects.filter(kind=DocumentKind.SURAT_PERINTAH).count() == 2


def test_a_double_submission_from_the_page_and_the_api_issues_one_decision(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    client = cast.client_for(cast.alice)
    url = reverse("cases:document_issue", args=[tan_case.code])
    form = {"kind": "KEPUTUSAN_TAK", "action": str(approved_deportation.code)}
    client.post(url, form)
    second = client.post(url, form, follow=True)
    [document] = IssuedDocument.objects.all()
    with translation.override("id"):
        said = gettext("Document %(number)s had already been issued; nothing was changed.") % {
            "number": document.number
        }
    assert escape(said) in second.content.decode()
    api = f"/api/v1/cases/{tan_case.code}/documents"
    answer = client.post(api, form, "application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["code"] == str(document.code)
    assert IssuedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_at_once_issue_one_decision(
    tan_case: Case, approved_deportation: Any, cast: Any
) -> None:
    """Two requests at the same moment (a double click): the second waits for the first's lock
    on the action, then finds its decision."""
    from django.db import connection

    if not connection.features.has_select_for_update:
        pytest.skip("row locks need PostgreSQL")
    barrier = threading.Barrier(2)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            document, created = get_or_issue_document(
                tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
            )
            results.append((document.number, created))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(created for _number, created in results) == [False, True]
    assert len({number for number, _created in results}) == 1
    assert IssuedDocument.objects.count() == 1
