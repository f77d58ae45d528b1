"""Issuing the documents of a case: the Surat Perintah, the Berita Acara Pemeriksaan, the
Keputusan on an administrative action and the Berita Acara Pendeportasian.

Each is numbered in its agency's yearly series of its kind (``0007/KEP-TAK/IMI-BTM/2026``), says
what its content snapshot holds, carries a QR code with a signed token of that content, and is
kept as a PDF in private storage with its SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timpora.accounts.models import User
from timpora.audit import log
from timpora.audit.choices import Purpose, Verb
from timpora.cases.actions import common, measures
from timpora.cases.choices import (
    DOCUMENT_ABBREVIATION,
    ActionKind,
    ActionStatus,
    DocumentKind,
    EventKind,
)
from timpora.cases.documents import content as contents
from timpora.cases.documents import pdf
from timpora.cases.documents.tokens import token_for
from timpora.cases.models import AdministrativeAction, Case, IssuedDocument

#: Documents about a decision already taken may still be issued once the case is closed.
AFTER_CLOSING = (DocumentKind.KEPUTUSAN_TAK, DocumentKind.BA_DEPORTASI)


def document_number(agency_code: str, kind: str, sequence: int, year: int) -> str:
    return f"{sequence:04d}/{DOCUMENT_ABBREVIATION[DocumentKind(kind)]}/{agency_code}/{year}"


def verify_url(token: str) -> str:
    """The public address the QR code opens."""
    return settings.PUBLIC_URL + reverse("verify", args=[token])


def _check(case: Case, kind: str, action: AdministrativeAction | None) -> None:
    """Refuse a document its case or action cannot have."""
    if action is not None and action.case_id != case.pk:
        raise ValidationError({"action": [_("This action belongs to another case.")]})
    if kind == DocumentKind.KEPUTUSAN_TAK:
        if action is None:
            raise ValidationError({"action": [_("A decision is about an action: choose it.")]})
        if action.status not in (ActionStatus.APPROVED, ActionStatus.EXECUTED):
            raise common.NotAllowed(_("A decision is issued only for an approved action."))
    elif kind == DocumentKind.BA_DEPORTASI:
        if action is None or action.kind != ActionKind.DEPORTATION:
            raise ValidationError(
                {"action": [_("A deportation record is about a deportation: choose it.")]}
            )
        if action.status != ActionStatus.EXECUTED:
            raise common.NotAllowed(
                _("A deportation record is issued only once the deportation is executed.")
            )
    if kind not in AFTER_CLOSING:
        common.require_open(case)


@transaction.atomic
def issue_document(
    case: Case,
    kind: str,
    *,
    actor: User,
    action: AdministrativeAction | None = None,
    content: Mapping[str, Any] | None = None,
) -> IssuedDocument:
    """Issue a document of ``kind`` for ``case`` (and ``action``), by the owning agency.

    ``content`` holds what the officer adds (see ``cases.documents.content``: the officers,
    task, place and period of an order; the person, questions and statement of an examination;
    a note on a deportation). The decision needs an approved (or executed) action; the
    deportation record an executed deportation.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("There is no document of this kind.")]})
    case = common.lock(case)
    common.require_owner(case, actor)
    if action is not None:
        action = AdministrativeAction.objects.select_related(
            "person__nationality", "approved_by", "executed_by", "permit"
        ).get(pk=action.pk)
    _check(case, kind, action)
    extra = contents.clean_extra(kind, content)
    agency = case.owning_agency
    issued_on = timezone.localdate()
    sequence = common.next_number(agency, kind, issued_on.year)
    number = document_number(agency.code, kind, sequence, issued_on.year)
    snapshot = contents.snapshot(
        kind,
        case=case,
        action=action,
        actor=actor,
        extra=extra,
        number=number,
        issued_on=issued_on,
    )
    document = IssuedDocument(
        kind=kind,
        number=number,
        agency=agency,
        year=issued_on.year,
        sequence=sequence,
        case=case,
        action=action,
        issued_on=issued_on,
        issued_by=actor,
        content=snapshot,
    )
    data = pdf.render(kind, snapshot, verify_url(token_for(document)))
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.file.save(f"{number.replace('/', '-')}.pdf", ContentFile(data), save=False)
    document.save()
    common.record_event(
        case,
        EventKind.DOCUMENT_ISSUED,
        actor=actor,
        text=number,
        data={"document": str(document.code), "kind": kind, "number": number},
    )
    log.record(
        actor=actor,
        verb=Verb.DOCUMENT_ISSUED,
        subject=document,
        changes={
            "kind": kind,
            "number": number,
            "case": case.number,
            "action": str(action.code) if action else "",
            "sha256": document.sha256,
        },
    )
    if kind == DocumentKind.SURAT_PERINTAH:
        # The written order after an urgent field action (its deadline is met now).
        measures.deadlines_met_by_order(case, action, actor=actor)
    return document


def record_download(document: IssuedDocument, *, actor: User) -> None:
    """Audit that ``actor`` downloaded the document (the view checks who may see the case)."""
    common.require_visible(document.case, actor)
    log.record(
        actor=actor,
        verb=Verb.DOCUMENT_DOWNLOADED,
        subject=document,
        purpose=Purpose.INVESTIGATION,
        changes={"case": document.case.number, "kind": document.kind},
    )


def record_verification(document: IssuedDocument | None, *, token: str, genuine: bool) -> None:
    """Audit a look at the public verification page (nobody is logged in there)."""
    log.record(
        actor=None,
        verb=Verb.DOCUMENT_VERIFIED,
        subject=document,
        agency=document.agency if document is not None else None,
        subject_type="" if document is not None else "cases.issueddocument",
        changes={"genuine": genuine, "token": token[:200]},
    )
