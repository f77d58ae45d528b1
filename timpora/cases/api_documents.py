"""API of issued documents: a case's documents, issuing one, and the public verification of a
document's token (``GET /documents/verify/{token}``, no token needed, throttled)."""

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
from timpora.cases.actions.documents import issue_document, record_verification
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
        201: DocumentOut,
        403: ProblemOut,
        404: ProblemOut,
        409: ProblemOut,
        422: ProblemOut,
    },
    summary="Issue a document for a case (its owning agency)",
)
def create_document(request: HttpRequest, code: str, body: IssueIn) -> Any:
    """A decision needs an approved or executed action, a deportation record an executed
    deportation (409 otherwise)."""
    user: Any = request.user
    case = _case(request, code)
    if user.role == Role.AUDITOR or user.agency_id != case.owning_agency_id:
        return problem(
            request,
            403,
            _("Only the agency that owns the case may issue its documents."),
            slug="forbidden",
        )
    action = None
    if body.action:
        action = get_visible_or_404(
            AdministrativeAction.objects.filter(case=case), user, body.action
        )
    try:
        document = issue_document(case, body.kind, actor=user, action=action, content=body.content)
    except common.NotAllowed as exc:
        return problem(request, 409, " ".join(exc.messages), slug="not-allowed")
    except ValidationError as exc:
        messages: Any = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        errors = [{"location": k, "message": m} for k, ms in messages.items() for m in ms]
        return problem(request, 422, " ".join(exc.messages), slug="invalid", errors=errors)
    return Status(201, _out(document))
