"""API of issued documents: a case's documents, issuing one, revoking one, and the public
verification of a document's token (``GET /documents/verify/{token}``, no token needed,
throttled)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.throttling import AnonRateThrottle

from timpora.accounts.choices import Role
from timpora.cases.actions import common
from timpora.cases.actions.documents import (
    OF_THE_ACTION,
    get_or_issue_document,
    may_issue,
    record_verification,
    revoke_document,
)
from timpora.cases.choices import DocumentKind
from timpora.cases.documents.tokens import document_for_token
from timpora.cases.models import AdministrativeAction, Case, IssuedDocument
from timpora.core.problems import problem
from timpora.core.querysets import get_visible_or_404

router = Router(tags=["documents"])


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str


class VerificationOut(Schema):
    genuine: bool
    number: str
    kind: DocumentKind
    kind_label: str
    issued_on: dt.date
    agency: str = Field(..., description="the issuing agency's name")
    agency_code: str
    revoked: bool = Field(..., description="withdrawn after it was issued: no longer valid")


class DocumentOut(Schema):
    code: str
    number: str
    kind: DocumentKind
    kind_label: str
    issued_on: dt.date
    agency: str = Field(..., description="the issuing agency's code")
    case: str = Field(..., description="the case's code")
    action: str | None = Field(None, description="the action's code, if about one")
    issued_by: str
    sha256: str = Field(..., description="SHA-256 of the PDF")
    revoked: bool
    download: str = Field(..., description="the PDF (a page of the site: log in)")


class IssueIn(Schema):
    kind: DocumentKind
    action: str | None = Field(None, description="the action's code (decision, deportation)")
    content: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "SURAT_PERINTAH: officers (user names), task, place, period_from, period_to; "
            "BAP: person (code), place, examined_at, questions [{q, a}], statement; "
            "BA_DEPORTASI: note"
        ),
    )


class RevokeIn(Schema):
    reason: str = Field(..., description="why the document is withdrawn (on the timeline)")


def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    messages: Any = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
    errors = [{"location": k, "message": m} for k, ms in messages.items() for m in ms]
    return problem(request, 422, " ".join(exc.messages), slug="invalid", errors=errors)


def _out(document: IssuedDocument) -> dict[str, Any]:
    return {
        "code": str(document.code),
        "number": document.number,
        "kind": document.kind,
        "kind_label": str(document.get_kind_display()),
        "issued_on": document.issued_on,
        "agency": document.agency.code,
        "case": str(document.case.code),
        "action": str(document.action.code) if document.action else None,
        "issued_by": document.issued_by.get_username(),
        "sha256": document.sha256,
        "revoked": document.revoked_at is not None,
        "download": settings.PUBLIC_URL + reverse("cases:document", args=[document.code]),
    }


@router.get(
    "/documents/verify/{token}",
    auth=None,
    throttle=[AnonRateThrottle("30/m")],
    response={200: VerificationOut, 404: ProblemOut},
    summary="Is a document genuine? (public: the token of its QR code)",
)
def verify_document(request: HttpRequest, token: str) -> Any:
    """Only the number, kind, date and issuing agency of a genuine document; a forged or
    altered token is a 404. Every look is audited."""
    document = document_for_token(token)
    record_verification(document, token=token, genuine=document is not None)
    if document is None:
        return problem(
            request,
            404,
            _("This is not the token of a genuine document."),
            slug="not-genuine",
        )
    return {
        "genuine": True,
        "number": document.number,
        "kind": document.kind,
        "kind_label": str(document.get_kind_display()),
        "issued_on": document.issued_on,
        "agency": document.agency.name,
        "agency_code": document.agency.code,
        "revoked": document.revoked_at is not None,
    }


def _case(request: HttpRequest, code: str) -> Case:
    return get_visible_or_404(Case.objects.select_related("owning_agency"), request.user, code)


@router.get(
    "/cases/{code}/documents",
    response={200: list[DocumentOut], 404: ProblemOut},
    summary="The documents issued for a case",
)
def list_documents(request: HttpRequest, code: str) -> Any:
    case = _case(request, code)
    documents = case.documents.select_related("agency", "case", "action", "issued_by")
    return [_out(d) for d in documents]


@router.post(
    "/cases/{code}/documents",
    response={
        200: DocumentOut,
        201: DocumentOut,
        403: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    summary="Issue a document for a case (its owner; a decision: the agency of the action)",
)
def create_document(request: HttpRequest, code: str, body: IssueIn) -> Any:
    """An order or an examination record is issued by the agency that owns the case; the
    decision on an action and the deportation record by the agency of the action (403
    otherwise). A decision needs an approved or executed action, a deportation record an
    executed deportation (409 otherwise). Each is issued once per action: while it is not
    revoked, asking again answers 200 with it (nothing changes) instead of 201."""
    user: Any = request.user
    case = _case(request, code)
    action = None
    if body.action:
        action = get_visible_or_404(
            AdministrativeAction.objects.filter(case=case).select_related("agency"),
            user,
            body.action,
        )
    chosen = action is not None or body.kind not in OF_THE_ACTION  # else: 422 below
    if user.role == Role.AUDITOR or (chosen and not may_issue(case, body.kind, action, user)):
        if body.kind in OF_THE_ACTION:
            detail = _("Only the agency that took the action may issue its documents.")
        else:
            detail = _("Only the agency that owns the case may issue its documents.")
        return problem(request, 403, detail, slug="forbidden")
    try:
        document, created = get_or_issue_document(
            case, body.kind, actor=user, action=action, content=body.content
        )
    except common.NotAllowed as exc:
        return problem(request, 409, " ".join(exc.messages), slug="not-allowed")
    except ValidationError as exc:
        return _invalid(request, exc)
    return Status(201 if created else 200, _out(document))


@router.post(
    "/documents/{code}/revoke",
    response={200: DocumentOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Revoke a document (the agency that issued it), with the reason",
)
def revoke(request: HttpRequest, code: str, body: RevokeIn) -> Any:
    """The document stays on record; its verification page and ``revoked`` say it is no longer
    valid. 409 when it was revoked already, 422 without a reason."""
    user: Any = request.user
    documents = IssuedDocument.objects.select_related("agency", "case", "action", "issued_by")
    document = get_visible_or_404(documents, user, code)
    if user.role == Role.AUDITOR or user.agency_id != document.agency_id:
        return problem(
            request,
            403,
            _("Only the agency that issued the document may revoke it."),
            slug="forbidden",
        )
    try:
        document = revoke_document(document, actor=user, reason=body.reason)
    except common.NotAllowed as exc:
        return problem(request, 409, " ".join(exc.messages), slug="not-allowed")
    except ValidationError as exc:
        return _invalid(request, exc)
    return _out(document)
