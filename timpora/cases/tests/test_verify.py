"""The public verification of a document: its QR token, the page /v/<token>/ and the API.

A genuine token shows only the number, kind, date and issuing agency; a forged token, a token
with one character changed, a token signed for another purpose, or the token of a document
changed since it was issued is "not genuine" (404). Every look is audited, with no actor.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from timpora.audit.models import AuditEvent
from timpora.cases.actions.documents import issue_document
from timpora.cases.choices import DocumentKind
from timpora.cases.documents import tokens
from timpora.cases.documents.tokens import document_for_token, token_for
from timpora.cases.models import Case, IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    """The API's throttle counts in the process's cache: start each test from zero."""
    cache.clear()


@pytest.fixture
def decision(tan_case: Case, approved_deportation: Any, cast: Any) -> IssuedDocument:
    return issue_document(
        tan_case, DocumentKind.KEPUTUSAN_TAK, actor=cast.alice, action=approved_deportation
    )


def page(token: str) -> Any:
    return Client().get(reverse("verify", args=[token]))


def api(token: str) -> Any:
    return Client().get(f"/api/v1/documents/verify/{token}")


def changed(token: str, position: int) -> str:
    """``token`` with the character at ``position`` replaced by another of the alphabet."""
    char = token[position]
    other = "A" if char != "A" else "B"
    return token[:position] + other + token[position + 1 :]


def test_a_genuine_token_names_its_document(decision: IssuedDocument) -> None:
    token = token_for(decision)
    assert document_for_token(token) == decision
    assert len(token) < 100


def test_the_page_shows_only_number_kind_date_and_agency(decision: IssuedDocument) -> None:
    response = page(token_for(decision))
    assert response.status_code == 200
    html = response.content.decode()
    assert decision.number in html
    assert "Kantor Imigrasi Kelas I Khusus TPI Batam" in html
    assert 'class="verify-genuine"' in html
    assert "verify-revoked" not in html
    # Nothing about the person, nor the staff's navigation.
    for private in ("TAN WEI MING", "K1234567A", "Singapura", "logout", "nav-user"):
        assert private not in html
    assert response["Cache-Control"] == "no-store"


def test_a_revoked_document_says_so(decision: IssuedDocument) -> None:
    IssuedDocument.objects.filter(pk=decision.pk).update(revoked_at=timezone.now())
    response = page(token_for(decision))
    assert response.status_code == 200
    assert "verify-revoked" in response.content.decode()
    assert api(token_for(decision)).json()["revoked"] is True


def test_the_api_answers_the_same_without_a_token(decision: IssuedDocument) -> None:
    response = api(token_for(decision))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "genuine": True,
        "number": decision.number,
        "kind": "KEPUTUSAN_TAK",
        "kind_label": body["kind_label"],
        "issued_on": decision.issued_on.isoformat(),
        "agency": "Kantor Imigrasi Kelas I Khusus TPI Batam",
        "agency_code": "IMI-BTM",
        "revoked": False,
    }
    assert body["kind_label"]


def _rejected(token: str) -> None:
    assert document_for_token(token) is None
    response = page(token)
    assert response.status_code == 404
    assert 'class="verify-not-genuine"' in response.content.decode()
    answer = api(token)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/not-genuine")


def test_a_forged_token_is_not_genuine(decision: IssuedDocument) -> None:
    _rejected("forged.0123456789abcdef.Zm9yZ2VkIHNpZ25hdHVyZSBvZiBubyBkb2N1bWVudA")
    _rejected("x")


@pytest.mark.parametrize("where", ["code", "digest", "signature", "end"])
def test_a_token_with_one_character_changed_is_not_genuine(
    decision: IssuedDocument, where: str
) -> None:
    token = token_for(decision)
    code, digest, _signature = token.split(".")
    position = {
        "code": 3,
        "digest": len(code) + 1 + 5,
        "signature": len(code) + len(digest) + 2 + 10,
        "end": len(token) - 1,
    }[where]
    altered = changed(token, position)
    assert altered != token
    _rejected(altered)


def test_a_token_signed_for_another_purpose_is_not_genuine(decision: IssuedDocument) -> None:
    genuine = token_for(decision)
    value = genuine.rsplit(".", 1)[0]
    other_salt = signing.Signer(salt="timpora.something.else", sep=".").sign(value)
    assert other_salt != genuine
    _rejected(other_salt)


def resigned(value: str) -> str:
    """``value`` signed with the project's key and the tokens' own salt: a valid signature."""
    token = signing.Signer(salt=tokens.SALT, sep=".").sign(value)
    assert signing.Signer(salt=tokens.SALT, sep=".").unsign(token) == value
    return token


def test_the_token_of_another_document_does_not_fit_this_one(
    decision: IssuedDocument, tan_case: Case, cast: Any
) -> None:
    """This document's code with another document's digest, properly signed: the signature
    holds, the digest does not match this document's data."""
    order = issue_document(tan_case, DocumentKind.SURAT_PERINTAH, actor=cast.alice)
    code, digest, _signature = token_for(decision).split(".")
    _other_code, other_digest, _other_signature = token_for(order).split(".")
    assert other_digest != digest
    assert document_for_token(resigned(f"{code}.{digest}")) == decision  # the control
    _rejected(resigned(f"{code}.{other_digest}"))
    _rejected(resigned(f"{code}.{'0' * tokens.DIGEST_LENGTH}"))
    _rejected(resigned(f"{code}.{digest[:-1]}"))  # a digest too short


def test_a_document_altered_after_it_was_issued_is_not_genuine(decision: IssuedDocument) -> None:
    token = token_for(decision)
    IssuedDocument.objects.filter(pk=decision.pk).update(
        number=decision.number.replace("0001", "0009")
    )
    _rejected(token)
    IssuedDocument.objects.filter(pk=decision.pk).update(number=decision.number)
    assert document_for_token(token) == decision
    content = dict(decision.content, person={**decision.content["person"], "name": "SOMEONE"})
    IssuedDocument.objects.filter(pk=decision.pk).update(content=content)
    _rejected(token)


def test_the_token_is_the_content_digest_signed(decision: IssuedDocument) -> None:
    _code, digest, _signature = token_for(decision).split(".")
    assert tokens.document_digest(decision).startswith(digest)


def test_every_look_is_audited_without_an_actor(decision: IssuedDocument) -> None:
    page(token_for(decision))
    page("forged")
    events = list(AuditEvent.objects.filter(verb="cases.document_verified").order_by("seq"))
    assert [e.changes["genuine"] for e in events] == [True, False]
    assert all(e.actor is None for e in events)
    assert events[0].subject_code == str(decision.code)


def test_the_page_is_rate_limited(decision: IssuedDocument) -> None:
    token = token_for(decision)
    client = Client()
    statuses = [client.get(reverse("verify", args=[token])).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_the_api_is_throttled(decision: IssuedDocument) -> None:
    token = token_for(decision)
    statuses = [api(token).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
