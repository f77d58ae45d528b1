"""Referrals between agencies: a case, or a request within it, sent with its legal basis; the
receiver accepts (taking over the case when it is a transfer) or declines with a reason, and
reports the outcome back; the sender may withdraw it while it waits.

While a referral is sent, accepted or answered, the receiving agency sees that case and no
other (``Case.objects.visible_to``); a declined or withdrawn one shares nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from timpora.accounts.models import Agency, User
from timpora.audit import log
from timpora.audit.choices import Verb
from timpora.cases.actions import common
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import EventKind, ReferralScope, ReferralStatus
from timpora.cases.models import Case, Referral


def _lock(referral: Referral) -> tuple[Referral, Case]:
    """The referral's case, then the referral, both locked and read again (always in this order,
    as every write on a case locks the case first)."""
    case = common.lock(Case(pk=referral.case_id))
    locked = (
        Referral.objects.select_for_update(of=("self",), no_key=True)
        .select_related("from_agency", "to_agency")
        .get(pk=referral.pk)
    )
    locked.case = case
    return locked, case


def _require_receiver(referral: Referral, actor: User) -> None:
    common.require_agency(
        actor,
        referral.to_agency_id,
        refusal=_("Only the agency the referral is sent to may answer it."),
    )


def _require_status(referral: Referral, *allowed: str) -> None:
    if referral.status not in allowed:
        raise NotAllowed(
            _("The referral is %(status)s.") % {"status": referral.get_status_display().lower()}
        )


def _data(referral: Referral, **extra: object) -> dict[str, object]:
    return {
        "referral": str(referral.code),
        "from": referral.from_agency.code,
        "to": referral.to_agency.code,
        **extra,
    }


@transaction.atomic
def send_referral(
    case: Case,
    *,
    actor: User,
    to_agency: Agency,
    request: str,
    legal_basis: str,
    scope: str = ReferralScope.CASE,
    transfer: bool = False,
    respond_by: date | None = None,
) -> Referral:
    """Send the case (or a request within it) to another agency; the owning agency only.

    A referral to the same agency that still waits for its answer is returned unchanged.
    """
    case = common.lock(case)
    common.require_owner(case, actor)
    common.require_open(case)
    if to_agency.pk == case.owning_agency_id:
        raise ValidationError(_("Send the referral to another agency."))
    if scope not in ReferralScope.values:
        raise ValidationError(_("Choose what is sent."))
    request, legal_basis = request.strip(), legal_basis.strip()
    if not request:
        raise ValidationError(_("Say what the other agency is asked to do."))
    if not legal_basis:
        raise ValidationError(_("Give the legal basis of the referral."))
    if respond_by is not None and respond_by < timezone.localdate():
        raise ValidationError(_("The answer cannot be due in the past."))
    waiting = case.referrals.filter(to_agency=to_agency, status=ReferralStatus.SENT).first()
    if waiting is not None:
        if waiting.transfer == transfer and waiting.from_agency_id == case.owning_agency_id:
            return waiting  # the same referral sent twice: nothing changes
        raise common.NotAllowed(
            _(
                "A referral to %(agency)s is still waiting for its answer: withdraw it before "
                "sending another."
            )
            % {"agency": to_agency.name}
        )
    referral = Referral.objects.create(
        case=case,
        scope=scope,
        from_agency_id=case.owning_agency_id,
        to_agency=to_agency,
        request=request,
        legal_basis=legal_basis[:300],
        transfer=transfer,
        respond_by=respond_by,
        sent_by=actor,
    )
    data = _data(
        referral,
        scope=scope,
        transfer=transfer,
        respond_by=respond_by.isoformat() if respond_by else "",
    )
    common.record_event(case, EventKind.REFERRAL_SENT, actor=actor, text=request, data=data)
    log.record(
        actor=actor,
        verb=Verb.REFERRAL_SENT,
        subject=referral,
        changes={**data, "case": case.number, "legal_basis": legal_basis},
    )
    return referral


@transaction.atomic
def accept_referral(referral: Referral, *, actor: User, note: str = "") -> Referral:
    """The receiver takes the referral on; a transfer makes its agency the case's owner.

    A transfer is accepted only from the agency that still owns the case; once accepted, the
    other transfers of the case still waiting are withdrawn (the case has gone).
    """
    referral, case = _lock(referral)
    _require_receiver(referral, actor)
    _require_status(referral, ReferralStatus.SENT)
    common.require_open(case)
    if referral.transfer and case.owning_agency_id != referral.from_agency_id:
        raise NotAllowed(
            _("The case has changed hands since this transfer was sent: it cannot be accepted.")
        )
    now = timezone.now()
    referral.status = ReferralStatus.ACCEPTED
    referral.responded_by, referral.responded_at = actor, now
    referral.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    common.record_event(
        case, EventKind.REFERRAL_ACCEPTED, actor=actor, text=note.strip(), data=_data(referral)
    )
    log.record(
        actor=actor,
        verb=Verb.REFERRAL_ACCEPTED,
        subject=referral,
        changes={"status": [ReferralStatus.SENT, ReferralStatus.ACCEPTED], "case": case.number},
    )
    if referral.transfer:
        old = case.owning_agency
        case.owning_agency_id = referral.to_agency_id
        case.assignee = None
        case.save(update_fields=["owning_agency", "assignee", "updated_at"])
        common.record_event(
            case,
            EventKind.TRANSFERRED,
            actor=actor,
            data={"from": old.code, "to": referral.to_agency.code},
        )
        log.record(
            actor=actor,
            verb=Verb.CASE_TRANSFERRED,
            subject=case,
            changes={"owning_agency": [old.code, referral.to_agency.code]},
        )
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(_("The case went to %(agency)s.") % {"agency": referral.to_agency.name})
        withdraw_waiting(case, actor=actor, reason=reason, transfers_only=True)
    return referral


@transaction.atomic
def decline_referral(referral: Referral, *, actor: User, reason: str) -> Referral:
    """The receiver declines with a reason: the case returns to the sender alone."""
    referral, _case = _lock(referral)
    _require_receiver(referral, actor)
    _require_status(referral, ReferralStatus.SENT)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the referral is declined."))
    referral.status = ReferralStatus.DECLINED
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.decline_reason = reason
    referral.save(
        update_fields=["status", "responded_by", "responded_at", "decline_reason", "updated_at"]
    )
    common.record_event(
        referral.case, EventKind.REFERRAL_DECLINED, actor=actor, text=reason, data=_data(referral)
    )
    log.record(
        actor=actor,
        verb=Verb.REFERRAL_DECLINED,
        subject=referral,
        changes={
            "status": [ReferralStatus.SENT, ReferralStatus.DECLINED],
            "case": referral.case.number,
            "reason": reason,
        },
    )
    return referral


@transaction.atomic
def complete_referral(referral: Referral, *, actor: User, outcome: str) -> Referral:
    """The receiver reports what it did, after accepting."""
    referral, _case = _lock(referral)
    _require_receiver(referral, actor)
    _require_status(referral, ReferralStatus.ACCEPTED)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError(_("Report the outcome."))
    referral.status = ReferralStatus.COMPLETED
    referral.outcome = outcome
    referral.completed_by, referral.completed_at = actor, timezone.now()
    referral.save(update_fields=["status", "outcome", "completed_by", "completed_at", "updated_at"])
    common.record_event(
        referral.case,
        EventKind.REFERRAL_COMPLETED,
        actor=actor,
        text=outcome,
        data=_data(referral),
    )
    log.record(
        actor=actor,
        verb=Verb.REFERRAL_COMPLETED,
        subject=referral,
        changes={
            "status": [ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED],
            "case": referral.case.number,
            "outcome": outcome,
        },
    )
    return referral


@transaction.atomic
def withdraw_referral(referral: Referral, *, actor: User, reason: str) -> Referral:
    """The sending agency takes back a referral that waits for its answer."""
    referral, _case = _lock(referral)
    common.require_agency(
        actor,
        referral.from_agency_id,
        refusal=_("Only the agency that sent the referral may withdraw it."),
    )
    _require_status(referral, ReferralStatus.SENT)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the referral is withdrawn."))
    _withdraw(referral, actor=actor, reason=reason)
    return referral


def _withdraw(referral: Referral, *, actor: User, reason: str) -> None:
    """A SENT referral, locked, becomes WITHDRAWN: on the timeline and audited with its reason."""
    referral.status = ReferralStatus.WITHDRAWN
    referral.save(update_fields=["status", "updated_at"])
    common.record_event(
        referral.case,
        EventKind.REFERRAL_WITHDRAWN,
        actor=actor,
        text=reason,
        data=_data(referral),
    )
    log.record(
        actor=actor,
        verb=Verb.REFERRAL_WITHDRAWN,
        subject=referral,
        changes={
            "status": [ReferralStatus.SENT, ReferralStatus.WITHDRAWN],
            "case": referral.case.number,
            "reason": reason,
        },
    )


def withdraw_waiting(
    case: Case, *, actor: User, reason: str, transfers_only: bool = False
) -> list[Referral]:
    """Withdraw the referrals of ``case`` still waiting for their answer (only the transfers,
    with ``transfers_only``), each with ``reason``; the caller holds the case's lock and has
    made its own checks. Accepted referrals stay: their outcome may still be reported."""
    waiting = case.referrals.select_for_update(of=("self",)).filter(status=ReferralStatus.SENT)
    if transfers_only:
        waiting = waiting.filter(transfer=True)
    withdrawn = list(waiting.select_related("from_agency", "to_agency").order_by("sent_at", "pk"))
    for referral in withdrawn:
        referral.case = case
        _withdraw(referral, actor=actor, reason=reason)
    return withdrawn
