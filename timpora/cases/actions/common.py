"""What every write of the cases app shares: who may work on a case, the timeline, numbering."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory, Role
from timpora.accounts.models import Agency, User
from timpora.cases.choices import EventKind, ReferralStatus
from timpora.cases.models import AdministrativeAction, Case, CaseEvent, Series


class NotAllowed(ValidationError):  # noqa: N818 - a refusal, shown to the officer
    """The user is not in a role, an agency or a state of the case for this step."""


AUDITORS_READ = _("Auditors read cases; they do not work on them.")


def require_worker(actor: User) -> None:
    """Auditors read cases; every other role works on them."""
    if actor.role == Role.AUDITOR:
        raise NotAllowed(AUDITORS_READ)


def require_agency(actor: User, *agency_ids: int | None, refusal: Any) -> None:
    """The actor works (is not an auditor) for one of these agencies; else ``refusal``."""
    require_worker(actor)
    if not actor.agency_id or actor.agency_id not in agency_ids:
        raise NotAllowed(refusal)


def require_can_open(actor: User) -> None:
    """Opening a case needs an agency whose profile includes cases, and a role that works."""
    require_worker(actor)
    if not actor.agency_id or not can_see_records(actor, DataCategory.CASES):
        raise NotAllowed(_("Your agency does not work on cases."))


def require_visible(case: Case, actor: User) -> None:
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotAllowed(_("This case is not shared with your agency."))


def require_owner(case: Case, actor: User) -> None:
    """Steps only the owning agency takes: status, assignment, tasks, referrals, actions."""
    require_agency(
        actor, case.owning_agency_id, refusal=_("Only the agency that owns the case may do this.")
    )


def require_participant(case: Case, actor: User) -> None:
    """Notes and attachments: the owning agency, or an agency a live referral involves (the
    receiver, and the sender — who stays involved after handing a case over)."""
    require_worker(actor)
    if actor.agency_id == case.owning_agency_id:
        return
    involved = (
        case.referrals.filter(
            status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
        )
        .filter(Q(to_agency_id=actor.agency_id) | Q(from_agency_id=actor.agency_id))
        .exists()
    )
    if not involved:
        raise NotAllowed(_("This case is not shared with your agency."))


def require_open(case: Case) -> None:
    if case.is_closed:
        raise NotAllowed(_("The case is closed."))


def lock(case: Case) -> Case:
    """The case row, locked for the rest of the transaction.

    ``FOR NO KEY UPDATE``: inserting a row that refers to the case (a timeline line, a task)
    takes a key-share lock on it, which a plain ``FOR UPDATE`` held by another transaction would
    block — and a lock order that looks right would deadlock. The order of every write is
    action → case → its other rows (referral, task, deadline, document)."""
    return Case.objects.select_for_update(no_key=True).get(pk=case.pk)


def lock_action(action: AdministrativeAction) -> AdministrativeAction:
    """The action row, locked: taken before its case (action → case → its rows)."""
    return AdministrativeAction.objects.select_for_update(no_key=True).get(pk=action.pk)


def record_event(
    case: Case,
    kind: EventKind | str,
    *,
    actor: User | None,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> CaseEvent:
    """Append one line to the case's timeline."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        agency_id=getattr(actor, "agency_id", None),
        text=text,
        data=data or {},
    )


@transaction.atomic
def next_number(agency: Agency, kind: str, year: int) -> int:
    """The next number of ``agency``'s series of ``kind`` for ``year`` (no gaps, no repeats)."""
    Series.objects.get_or_create(agency=agency, kind=kind, year=year)
    series = Series.objects.select_for_update().get(agency=agency, kind=kind, year=year)
    series.last += 1
    series.save(update_fields=["last"])
    return series.last
