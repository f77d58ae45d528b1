"""Issuing the documents of a case: the Surat Perintah, the Berita Acara Pemeriksaan, the
Keputusan on an administrative action and the Berita Acara Pendeportasian.

Each is numbered in its agency's yearly series of its kind (``0007/KEP-TAK/IMI-BTM/2026``), says
what its content snapshot holds, carries a QR code with a signed token of that content, and is
kept as a PDF in private storage with its SHA-256.

The decision on an action and the record of a deportation belong to the agency that took the
action (even after the case was handed over to another agency): its series, its letterhead, its
officers. There is one live one per action: a second submission returns the first. The orders
and examination records are the case owner's. A document is withdrawn by revoking it (the
verification page then says it is no longer valid); cancelling an action revokes its documents.
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

from timpora.accounts.choices import Role
from timpora.accounts.models import Agency, User
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

#: Documents of an action's own: issued by the agency of the action, one live one per action.
OF_THE_ACTION = (DocumentKind.KEPUTUSAN_TAK, DocumentKind.BA_DEPORTASI)


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


def issuing_agency(case: Case, kind: str, action: AdministrativeAction | None) -> Agency:
    """Whose document it is: the action's agency for its decision and deportation record, the
    case's owner for the rest."""
    if kind in OF_THE_ACTION and action is not None:
        return action.agency
    return case.owning_agency


def may_issue(case: Case, kind: str, action: AdministrativeAction | None, actor: User) -> bool:
    """Whether ``actor``'s agency issues documents of ``kind`` here (not whether the state of
    the case or the action allows one now)."""
    if actor.role == Role.AUDITOR or not actor.agency_id:
        return False
    if kind in OF_THE_ACTION:
        return action is not None and actor.agency_id == action.agency_id
    return actor.agency_id == case.owning_agency_id


def _require_issuer(
    case: Case, kind: str, action: AdministrativeAction | None, actor: User
) -> None:
    if kind not in OF_THE_ACTION:
        common.require_owner(case, actor)
        return
    common.require_worker(actor)
    if action is not None:
        common.require_agency(
            actor,
            action.agency_id,
            refusal=_("Only the agency that took the action may issue its documents."),
        )


def _live(action: AdministrativeAction, kind: str) -> IssuedDocument | None:
    return (
        action.documents.filter(kind=kind, revoked_at__isnull=True)
        .order_by("created_at", "pk")
        .first()
    )


@transaction.atomic
def get_or_issue_document(
    case: Case,
    kind: str,
    *,
    actor: User,
    action: AdministrativeAction | None = None,
    content: Mapping[str, Any] | None = None,
) -> tuple[IssuedDocument, bool]:
    """Issue a document of ``kind`` for ``case`` (and ``action``); ``(document, created)``.

    ``content`` holds what the officer adds (see ``cases.documents.content``: the officers,
    task, place and period of an order; the person, questions and statement of an examination;
    a note on a deportation). The order and the examination record are issued by the agency
    that owns the case. The decision needs an approved (or executed) action, the deportation
    record an executed deportation; both are issued by the agency of the action, and only once:
    while one is not revoked, it is returned unchanged (``created`` false), whatever was added.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("There is no document of this kind.")]})
    if action is not None:
        # The action first, then the case (as cancelling an action locks them): a second
        # submission waits here for the first, then finds its document.
        action = (
            AdministrativeAction.objects.select_for_update(of=("self",), no_key=True)
            .select_related("agency", "person__nationality", "approved_by", "executed_by", "permit")
            .get(pk=action.pk)
        )
    case = common.lock(case)
    _require_issuer(case, kind, action, actor)
    _check(case, kind, action)
    if action is not None and kind in OF_THE_ACTION:
        existing = _live(action, kind)
        if existing is not None:
            return existing, False
    extra = contents.clean_extra(kind, content)
    agency = issuing_agency(case, kind, action)
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
        agency=agency,
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
    return document, True


def issue_document(
    case: Case,
    kind: str,
    *,
    actor: User,
    action: AdministrativeAction | None = None,
    content: Mapping[str, Any] | None = None,
) -> IssuedDocument:
    """Issue a document of ``kind`` (see :func:`get_or_issue_document`); the live decision or
    deportation record of the action when it was issued already."""
    document, _created = get_or_issue_document(
        case, kind, actor=actor, action=action, content=content
    )
    return document


def _revoke(document: IssuedDocument, *, actor: User, reason: str) -> IssuedDocument:
    document.revoked_at = timezone.now()
    document.save(update_fields=["revoked_at", "updated_at"])
    data = {
        "document": str(document.code),
        "kind": document.kind,
        "number": document.number,
        "reason": reason,
    }
    common.record_event(
        document.case,
        EventKind.DOCUMENT_REVOKED,
        actor=actor,
        text=f"{document.number}: {reason}",
        data=data,
    )
    log.record(
        actor=actor,
        verb=Verb.DOCUMENT_REVOKED,
        subject=document,
        changes={
            "revoked_at": [None, document.revoked_at.isoformat()],
            "kind": document.kind,
            "number": document.number,
            "case": document.case.number,
            "reason": reason,
        },
    )
    return document


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking the document.")]})
    return reason


def _require_agency(agency_id: int | None, actor: User) -> None:
    common.require_agency(
        actor, agency_id, refusal=_("Only the agency that issued the document may revoke it.")
    )


@transaction.atomic
def revoke_document(document: IssuedDocument, *, actor: User, reason: str) -> IssuedDocument:
    """Withdraw ``document``: it stays on record and its QR code still opens the verification
    page, which says it is no longer valid. The agency that issued it, with the reason."""
    _require_agency(document.agency_id, actor)
    reason = _reason(reason)
    if document.action_id is not None:  # the order of every write: action, case, document
        common.lock_action(AdministrativeAction(pk=document.action_id))
    common.lock(Case(pk=document.case_id))
    document = (
        IssuedDocument.objects.select_for_update(of=("self",), no_key=True)
        .select_related("case")
        .get(pk=document.pk)
    )
    if document.revoked_at is not None:
        raise common.NotAllowed(_("This document was revoked already."))
    return _revoke(document, actor=actor, reason=reason)


@transaction.atomic
def revoke_documents_of(
    action: AdministrativeAction, *, actor: User, reason: str
) -> list[IssuedDocument]:
    """Revoke the live decision and deportation record of ``action`` (when it is cancelled).

    An order or an examination record issued for it stays valid: they record what happened.
    ``actor`` is of the action's agency."""
    _require_agency(action.agency_id, actor)
    reason = _reason(reason)
    documents = list(
        IssuedDocument.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(
            action_id=action.pk,
            agency_id=action.agency_id,
            kind__in=OF_THE_ACTION,
            revoked_at__isnull=True,
        )
        .order_by("created_at", "pk")
    )
    return [_revoke(document, actor=actor, reason=reason) for document in documents]


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
