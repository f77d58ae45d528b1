"""The pages of issued documents: issuing one from the case page, revoking one, downloading its
PDF, and the public page that a document's QR code opens to confirm it is genuine.

The verification page needs no log-in (a checkpoint officer abroad scans the code); it shows
only the number, kind, date and issuing agency, is rate-limited per client address, and every
look is audited without an actor.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from timpora.cases.actions.documents import (
    get_or_issue_document,
    may_issue,
    record_download,
    record_verification,
    revoke_document,
)
from timpora.cases.choices import ActionKind, ActionStatus, DocumentKind
from timpora.cases.documents.forms import IssueForm, RevokeForm
from timpora.cases.documents.tokens import document_for_token
from timpora.cases.models import AdministrativeAction, Case, IssuedDocument
from timpora.core.querysets import get_visible_or_404
from timpora.core.ratelimit import rate_limit

logger = logging.getLogger(__name__)

#: Looks at the public verification page per client address.
VERIFY_RATE = "30/m"


def document_section(
    case: Case, actions: Any, documents: Any, user: Any, is_owner: bool
) -> dict[str, Any]:
    """What the documents section of the case page offers ``user``: the order and examination
    forms (the owner of an open case), the decision and deportation-record forms with the
    actions of the user's agency they may be about, and the documents the user may revoke."""
    actions = list(actions)
    decided = [
        a
        for a in actions
        if a.status in (ActionStatus.APPROVED, ActionStatus.EXECUTED)
        and may_issue(case, DocumentKind.KEPUTUSAN_TAK, a, user)
    ]
    deported = [
        a for a in decided if a.kind == ActionKind.DEPORTATION and a.status == ActionStatus.EXECUTED
    ]
    works = not user.is_auditor and bool(user.agency_id)
    ours = works and any(a.agency_id == user.agency_id for a in actions)
    return {
        "case_forms": bool(is_owner) and works and not case.is_closed,
        # The owner proposes the actions, so it sees the forms before there is any; an agency
        # that took an action sees them for its actions (also after handing the case over).
        "action_forms": ours or (bool(is_owner) and works and not actions),
        "decision_actions": decided,
        "deportation_actions": deported,
        "revocable": {
            d.pk
            for d in documents
            if works and d.revoked_at is None and d.agency_id == user.agency_id
        },
    }


@login_required
@require_POST
def document_issue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue a document of the case (its owner; the decision and deportation record: the agency
    of the action); back to the case with a message. A second submission of the same decision
    issues nothing and says so."""
    user: Any = request.user
    case = get_visible_or_404(Case.objects.select_related("owning_agency"), user, code)
    back = reverse("cases:case", args=[case.code]) + "#documents"
    form = IssueForm(request.POST)
    if not form.is_valid():
        errors = [
            f"{form.fields[f].label if f in form.fields else ''}: {m}"
            for f, ms in form.errors.items()
            for m in ms
        ]
        messages.error(request, " ".join(errors))
        return redirect(back)
    action = None
    if form.cleaned_data["action"]:
        action = get_visible_or_404(
            AdministrativeAction.objects.filter(case=case), user, form.cleaned_data["action"]
        )
    try:
        document, created = get_or_issue_document(
            case, form.cleaned_data["kind"], actor=user, action=action, content=form.content()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created:
            said = _("Document %(number)s was issued.")
        else:
            said = _("Document %(number)s had already been issued; nothing was changed.")
        messages.success(request, said % {"number": document.number})
    return redirect(back)


@login_required
@require_POST
def document_revoke(request: HttpRequest, code: str) -> HttpResponse:
    """Revoke a document (the agency that issued it), with the reason; back to the case."""
    user: Any = request.user
    document = get_visible_or_404(
        IssuedDocument.objects.select_related("case", "agency"), user, code
    )
    back = reverse("cases:case", args=[document.case.code]) + "#documents"
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the document."))
        return redirect(back)
    try:
        revoke_document(document, actor=user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Document %(number)s was revoked.") % {"number": document.number}
        )
    return redirect(back)


@login_required
@require_GET
def document_download(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF, to those who may see its case, checked against its SHA-256; audited."""
    user: Any = request.user
    documents = IssuedDocument.objects.select_related("case")
    document = get_visible_or_404(documents, user, code)
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        raise Http404 from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        logger.error("The file of document %s does not match its SHA-256.", document.number)
        raise Http404
    record_download(document, actor=user)
    response = HttpResponse(data, content_type="application/pdf")
    filename = document.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@rate_limit("verify", VERIFY_RATE, methods=("GET", "HEAD"))
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is the document of this token genuine? Only its number, kind, date and agency."""
    document = document_for_token(token)
    record_verification(document, token=token, genuine=document is not None)
    context = {"document": document, "genuine": document is not None}
    response = render(
        request, "cases/verify.html", context, status=200 if document is not None else 404
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
