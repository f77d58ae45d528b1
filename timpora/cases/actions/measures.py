"""Administrative actions (TAK): proposed, approved by a second person, executed or cancelled;
their deadlines; and what an executed action writes back into the data.

Only an Immigration agency takes them (UU 6/2011 Pasal 75). A SUPERVISOR or COORDINATOR of the
issuing agency approves, never the proposer. Executing writes back through the owners' own
actions: a watch-list entry (matching), a cancelled permit (registry).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import AgencyKind, Role
from timpora.accounts.models import User
from timpora.audit.choices import Verb
from timpora.audit.log import record as audit
from timpora.cases import measures
from timpora.cases.actions.common import (
    NotAllowed,
    lock,
    lock_action,
    record_event,
    require_agency,
    require_open,
    require_owner,
)
from timpora.cases.choices import (
    ActionKind,
    ActionStatus,
    CaseStatus,
    DeadlineKind,
    EventKind,
)
from timpora.cases.models import AdministrativeAction, Case, Deadline
from timpora.detection.actions import parameters_at
from timpora.registry.choices import PermitStatus, WatchList
from timpora.registry.models import Person, StayPermit
from timpora.registry.status import end_of_day

APPROVERS = (Role.SUPERVISOR, Role.COORDINATOR)
LIVE = (ActionStatus.PROPOSED, ActionStatus.APPROVED)


def _limit(code: str, day: date) -> int:
    """A time limit in force on ``day``: legal numbers are dated data (detection parameters):
    WRITTEN_ORDER_HOURS (Permenimipas 2/2025 Pasal 30: the same day or within one day) and
    OVERSTAY_PAYMENT_DAYS."""
    return parameters_at(day).integer(code, day)


class WrongState(NotAllowed):
    """The action (or its case) is not in a state for this step (HTTP 409)."""


def _require_issuer(action: AdministrativeAction, actor: User) -> None:
    require_agency(
        actor, action.agency_id, refusal=_("Only the agency that issues the action may do this.")
    )


def _changes(action: AdministrativeAction, **more: Any) -> dict[str, Any]:
    return {
        "kind": action.kind,
        "status": action.status,
        "person": str(action.person.code),
        "case": action.case.number,
        **more,
    }


# --- Propose -------------------------------------------------------------------------------


def _check_permit(
    kind: str, permit: StayPermit | None, person: Person, details: dict[str, Any]
) -> None:
    if kind not in measures.PERMIT_KINDS:
        if permit is not None:
            raise ValidationError({"permit": [_("Only the permit actions name a permit.")]})
        return
    if permit is None:
        raise ValidationError({"permit": [_("Name the stay permit this action is about.")]})
    if permit.person_id != person.pk:
        raise ValidationError({"permit": [_("This permit is not the person's.")]})
    if permit.status == PermitStatus.CANCELLED:
        raise ValidationError({"permit": [_("This permit is already cancelled.")]})
    if (
        kind == ActionKind.PERMIT_LIMIT
        and date.fromisoformat(details["valid_until"]) >= permit.valid_until
    ):
        raise ValidationError(
            {"valid_until": [_("A limited permit ends before its current end of validity.")]}
        )


def _check_extends(kind: str, extends: AdministrativeAction | None, person: Person) -> None:
    if extends is None:
        return
    if not measures.spec(kind).extendable:
        raise ValidationError({"extends": [_("Only an entry or exit ban is extended.")]})
    if extends.kind != kind or extends.person_id != person.pk:
        raise ValidationError({"extends": [_("An extension extends a ban of the same person.")]})
    if extends.status != ActionStatus.EXECUTED:
        raise ValidationError({"extends": [_("Only a ban in force can be extended.")]})
    if kind == ActionKind.PENCEGAHAN and extends.extends_id is not None:
        raise ValidationError(
            {"extends": [_("An exit ban is extended once (UU 6/2011 Pasal 97).")]}
        )
    if extends.extensions.exclude(status=ActionStatus.CANCELLED).exists():
        # Only the last link of a chain is extended: a second extension of the same ban would
        # count from its old end and could shorten the ban in force.
        raise ValidationError(
            {"extends": [_("This ban has already been extended: extend the latest extension.")]}
        )


@transaction.atomic
def propose_action(
    case: Case,
    *,
    actor: User,
    kind: str,
    person: Person,
    grounds: str,
    details: Mapping[str, Any] | None,
    legal_basis: str = "",
    urgent: bool = False,
    permit: StayPermit | None = None,
    extends: AdministrativeAction | None = None,
) -> AdministrativeAction:
    """Propose an action against one subject of the case; the case then awaits the decision.

    The details are validated for the kind (the overstay charge is computed here). An urgent
    field action starts the clock of its written order: issued within a day.
    """
    if extends is not None:  # an action before a case: two extensions of one ban queue here
        extends = lock_action(extends)
    case = lock(case)
    require_owner(case, actor)
    require_open(case)
    if case.owning_agency.kind != AgencyKind.IMMIGRATION:
        raise NotAllowed(
            _("Only an immigration office takes administrative actions (UU 6/2011 Pasal 75).")
        )
    spec = measures.spec(kind)
    if not case.persons.filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("The person is not a subject of this case.")]})
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": [_("State the grounds of the action.")]})
    clean = measures.validate(kind, details)
    _check_permit(kind, permit, person, clean)
    _check_extends(kind, extends, person)
    if AdministrativeAction.objects.filter(
        case=case, kind=kind, person=person, status__in=LIVE
    ).exists():
        raise WrongState(
            _("An action of this kind against this person is already proposed or approved.")
        )
    action = AdministrativeAction.objects.create(
        case=case,
        kind=kind,
        person=person,
        agency=case.owning_agency,
        grounds=grounds,
        legal_basis=(legal_basis or "").strip() or spec.legal_basis,
        details=clean,
        urgent=urgent,
        permit=permit,
        extends=extends,
        days=clean.get("days"),
        amount=Decimal(clean["amount"]) if "amount" in clean else None,
        effective_on=_effective_on(kind, clean),
        proposed_by=actor,
    )
    label = str(spec.label)
    record_event(
        case,
        EventKind.ACTION_PROPOSED,
        actor=actor,
        text=f"{label}: {person.full_name}",
        data={"action": str(action.code), "kind": kind, "urgent": urgent},
    )
    if case.status != CaseStatus.ACTION_PENDING:
        old = case.status
        case.status = CaseStatus.ACTION_PENDING
        case.save(update_fields=["status", "updated_at"])
        record_event(
            case,
            EventKind.STATUS,
            actor=actor,
            text=str(CaseStatus.ACTION_PENDING.label),
            data={"from": old, "to": case.status},
        )
    if urgent:
        Deadline.objects.create(
            case=case,
            action=action,
            kind=DeadlineKind.WRITTEN_ORDER,
            due_at=action.created_at
            + timedelta(hours=_limit("WRITTEN_ORDER_HOURS", timezone.localdate(action.created_at))),
            note=gettext("Written order for the urgent field action"),
        )
    audit(
        actor=actor,
        verb=Verb.ACTION_PROPOSED,
        subject=action,
        changes=_changes(
            action,
            urgent=urgent,
            legal_basis=action.legal_basis,
            permit=permit.permit_number if permit else "",
            details=clean,
        ),
    )
    return action


def _effective_on(kind: str, details: dict[str, Any]) -> date | None:
    day = {
        ActionKind.DEPORTATION: "departure_on",
        ActionKind.DETENTION: "start",
        ActionKind.PERMIT_CANCEL: "effective_on",
    }.get(ActionKind(kind))
    value = details.get(day) if day else None
    return date.fromisoformat(value) if value else None


# --- Approve -------------------------------------------------------------------------------


@transaction.atomic
def approve_action(
    action: AdministrativeAction, *, actor: User, note: str = ""
) -> AdministrativeAction:
    """A supervisor or coordinator of the issuing agency decides; never the proposer."""
    action = lock_action(action)
    _require_issuer(action, actor)
    if actor.role not in APPROVERS:
        raise NotAllowed(_("Only a supervisor or a coordinator approves an action."))
    if actor.pk == action.proposed_by_id:
        raise NotAllowed(_("The officer who proposed an action cannot approve it."))
    if action.status != ActionStatus.PROPOSED:
        raise WrongState(_("Only a proposed action can be approved."))
    case = lock(action.case)
    require_open(case)
    now = timezone.now()
    action.status = ActionStatus.APPROVED
    action.approved_by = actor
    action.approved_at = now
    action.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    if case.decided_at is None:
        case.decided_at = now
        case.save(update_fields=["decided_at", "updated_at"])
    if action.kind == ActionKind.DETENTION:
        review_on = date.fromisoformat(action.details["review_on"])
        Deadline.objects.create(
            case=case,
            action=action,
            kind=DeadlineKind.DETENTION_REVIEW,
            due_at=end_of_day(review_on),
            note=gettext("Review of detention %(number)s")
            % {"number": action.details["decision_number"]},
        )
    if action.kind == ActionKind.OVERSTAY_CHARGE:
        Deadline.objects.create(
            case=case,
            action=action,
            kind=DeadlineKind.PAYMENT,
            due_at=end_of_day(
                timezone.localdate(now)
                + timedelta(days=_limit("OVERSTAY_PAYMENT_DAYS", timezone.localdate(now)))
            ),
            note=gettext("Payment of %(amount)s") % {"amount": action.details["amount_text"]},
        )
    record_event(
        case,
        EventKind.ACTION_APPROVED,
        actor=actor,
        text=note or str(measures.spec(action.kind).label),
        data={"action": str(action.code), "kind": action.kind},
    )
    audit(
        actor=actor, verb=Verb.ACTION_APPROVED, subject=action, changes=_changes(action, note=note)
    )
    return action


# --- Execute -------------------------------------------------------------------------------


@transaction.atomic
def execute_action(
    action: AdministrativeAction,
    *,
    actor: User,
    note: str = "",
    executed_on: date | None = None,
    details: Mapping[str, Any] | None = None,
) -> AdministrativeAction:
    """Carry out an approved action and write it back into the data.

    A deportation with an entry ban, and an entry ban, list the person for penangkalan; an exit
    ban lists them for pencegahan; a permit cancellation cancels the permit; an overstay charge
    records its payment (``details``: paid_on, receipt_number). Executing an executed action
    again changes nothing.
    """
    action = lock_action(action)
    _require_issuer(action, actor)
    if action.status == ActionStatus.EXECUTED:
        return action
    if action.status != ActionStatus.APPROVED:
        raise WrongState(_("Only an approved action can be executed."))
    case = lock(action.case)
    day = executed_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"executed_on": [_("An action is executed today or earlier.")]})
    if action.kind == ActionKind.OVERSTAY_CHARGE:
        action.details = {**action.details, "payment": measures.validate_payment(details)}
    elif details:
        raise ValidationError(
            {"details": [_("Only an overstay charge takes details when it is executed.")]}
        )
    action.status = ActionStatus.EXECUTED
    action.executed_by = actor
    action.executed_at = timezone.now()
    action.execution_note = note
    action.effective_on = action.effective_on or day
    written = _back_into_the_data(action, case, day, actor)
    action.save()
    if case.executed_at is None:
        case.executed_at = action.executed_at
        case.save(update_fields=["executed_at", "updated_at"])
    record_event(
        case,
        EventKind.ACTION_EXECUTED,
        actor=actor,
        text=note or str(measures.spec(action.kind).label),
        data={"action": str(action.code), "kind": action.kind, "on": day.isoformat()},
    )
    _settle(case, actor)
    audit(
        actor=actor,
        verb=Verb.ACTION_EXECUTED,
        subject=action,
        changes=_changes(action, executed_on=day.isoformat(), note=note, recorded=written),
    )
    return action


def _back_into_the_data(
    action: AdministrativeAction, case: Case, day: date, actor: User
) -> list[str]:
    """Write what the action changes in the facts; return what was written, for the audit."""
    written: list[str] = []
    kind = action.kind
    if kind == ActionKind.DEPORTATION and action.details.get("entry_ban_years"):
        years = int(action.details["entry_ban_years"])
        until = measures.add_years(day, years)
        legal_basis = f"{action.legal_basis}; {measures.ENTRY_BAN_BASIS}"[:300]
        _list(action, case, actor, WatchList.PENANGKALAN, day, until, legal_basis=legal_basis)
        written.append(WatchList.PENANGKALAN)
    elif kind in (ActionKind.PENANGKALAN, ActionKind.PENCEGAHAN):
        listing = WatchList.PENANGKALAN if kind == ActionKind.PENANGKALAN else WatchList.PENCEGAHAN
        start = day
        base = action.extends
        if base is not None and base.ends_on and base.ends_on >= day:
            start = base.effective_on or day
            day_from = base.ends_on  # an extension adds to the end of the ban it extends
        else:
            day_from = day
        if kind == ActionKind.PENANGKALAN:
            until = measures.add_years(day_from, int(action.details["years"]))
        else:
            until = measures.add_months(day_from, int(action.details["months"]))
        _list(action, case, actor, listing, start, until, legal_basis=action.legal_basis)
        written.append(listing)
    elif kind == ActionKind.PERMIT_CANCEL and action.permit is not None:
        from timpora.registry.actions import cancel_stay_permit

        permit = cancel_stay_permit(
            action.permit, actor=actor, cancelled_on=day, reason=action.grounds
        )
        record_event(
            case,
            EventKind.FACT_RECORDED,
            actor=actor,
            text=gettext("Stay permit %(number)s cancelled") % {"number": permit.permit_number},
            data={"action": str(action.code), "permit": permit.permit_number},
        )
        written.append("PERMIT_CANCELLED")
    elif kind in (ActionKind.PERMIT_LIMIT, ActionKind.PERMIT_CHANGE) and action.permit is not None:
        from timpora.registry.actions import amend_stay_permit

        values = {
            name: action.details[name]
            for name in ("valid_until", "permit_type")
            if action.details.get(name)
        }
        if "valid_until" in values:
            values["valid_until"] = date.fromisoformat(str(values["valid_until"]))
        # The permit may have changed since the proposal (its source sent a new version).
        current = StayPermit.objects.get(pk=action.permit.pk)
        if current.status == PermitStatus.CANCELLED:
            raise WrongState(_("The permit has been cancelled since: there is nothing to change."))
        if kind == ActionKind.PERMIT_LIMIT and values["valid_until"] >= current.valid_until:
            raise WrongState(
                _("The permit now ends on %(day)s, before this limit: it is not a limit any more.")
                % {"day": current.valid_until.strftime("%d-%m-%Y")}
            )
        permit = amend_stay_permit(
            action.permit, actor=actor, values=values, reason=action.grounds, on=day
        )
        record_event(
            case,
            EventKind.FACT_RECORDED,
            actor=actor,
            text=gettext("Stay permit %(number)s changed") % {"number": permit.permit_number},
            data={"action": str(action.code), "permit": permit.permit_number},
        )
        written.append("PERMIT_CHANGED")
    elif kind == ActionKind.OVERSTAY_CHARGE:
        payment = action.details["payment"]
        for deadline in action.deadlines.filter(kind=DeadlineKind.PAYMENT, met_at__isnull=True):
            _meet(deadline, actor, note=payment["receipt_number"])
        record_event(
            case,
            EventKind.FACT_RECORDED,
            actor=actor,
            text=gettext("Overstay charge of %(amount)s paid on %(day)s, receipt %(receipt)s")
            % {
                "amount": action.details["amount_text"],
                "day": date.fromisoformat(payment["paid_on"]).strftime("%d-%m-%Y"),
                "receipt": payment["receipt_number"],
            },
            data={"action": str(action.code), "payment": payment},
        )
        written.append("PAYMENT")
    return written


def _aliases(person: Person) -> tuple[str, ...]:
    """Other names the person is known by: the name in its other order, the native script is
    kept apart (``name_original``)."""
    full = " ".join(person.full_name.split())
    names = []
    for name in (
        f"{person.surname} {person.given_names}",
        f"{person.given_names} {person.surname}",
    ):
        name = " ".join(name.split())
        if name and name != full and name not in names:
            names.append(name)
    return tuple(names)


def _list(
    action: AdministrativeAction,
    case: Case,
    actor: User,
    listing: str,
    valid_from: date,
    valid_until: date,
    *,
    legal_basis: str,
) -> None:
    """List the action's person on ``listing`` through the matching app's own action."""
    from timpora.matching.actions.watchlists import record_watchlist_entries
    from timpora.matching.models import WatchlistEntry
    from timpora.registry.records import WatchlistEntryRecord

    person = action.person
    # An extension changes the entry of the ban it extends (its earlier values are kept).
    root = action
    while root.extends is not None:
        root = root.extends
    entry_id = f"TAK-{root.code}"
    details = action.details
    reason = details.get("entry_ban_reason") or details.get("reason") or action.grounds
    record = WatchlistEntryRecord(
        key=entry_id,
        list=listing,
        entry_id=entry_id,
        full_name=" ".join(person.full_name.split()),
        aliases=_aliases(person),
        name_original=person.name_original,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        nationality=(person.nationality_id,),
        passport_numbers=tuple(sorted(set(person.documents.values_list("number", flat=True)))),
        reason=reason[:1000],
        action_on_hit=gettext(
            "Refuse entry and inform %(agency)s (case %(case)s)."
            if listing == WatchList.PENANGKALAN
            else "Refuse departure and inform %(agency)s (case %(case)s)."
        )
        % {"agency": action.agency.name, "case": case.number},
        owning_agency=action.agency.name[:200],
        legal_basis=legal_basis,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    record_watchlist_entries([record], source=action.agency, actor=actor)
    action.watchlist_entry = WatchlistEntry.objects.get(source=action.agency, source_key=entry_id)
    action.ends_on = valid_until
    record_event(
        case,
        EventKind.FACT_RECORDED,
        actor=actor,
        text=gettext("Listed on %(list)s until %(day)s")
        % {"list": WatchList(listing).label, "day": valid_until.strftime("%d-%m-%Y")},
        data={"action": str(action.code), "list": listing, "entry": entry_id},
    )


# --- Cancel --------------------------------------------------------------------------------


@transaction.atomic
def cancel_action(
    action: AdministrativeAction, *, actor: User, reason: str
) -> AdministrativeAction:
    """Withdraw a proposed or approved action, with the reason.

    Its proposer, or a supervisor or coordinator of the issuing agency, cancels it. Its payment,
    review and execution deadlines lapse with it; a written order owed for an urgent field
    action is still owed. When no action of the case is left pending, the case goes back to
    investigation.
    """
    action = lock_action(action)
    _require_issuer(action, actor)
    if actor.pk != action.proposed_by_id and actor.role not in APPROVERS:
        raise NotAllowed(_("Only the proposer, a supervisor or a coordinator cancels an action."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    if action.status not in LIVE:
        raise WrongState(_("Only a proposed or approved action can be cancelled."))
    case = lock(action.case)
    old = action.status
    action.status = ActionStatus.CANCELLED
    action.cancelled_by = actor
    action.cancelled_at = timezone.now()
    action.cancel_reason = reason
    action.save(
        update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason", "updated_at"]
    )
    action.deadlines.filter(met_at__isnull=True).exclude(kind=DeadlineKind.WRITTEN_ORDER).update(
        met_at=action.cancelled_at, note=gettext("Lapsed: the action was cancelled.")
    )
    record_event(
        case,
        EventKind.ACTION_CANCELLED,
        actor=actor,
        text=reason,
        data={"action": str(action.code), "kind": action.kind},
    )
    _settle(case, actor)
    from timpora.cases.actions.documents import revoke_documents_of

    revoke_documents_of(action, actor=actor, reason=reason)
    audit(
        actor=actor,
        verb=Verb.ACTION_CANCELLED,
        subject=action,
        changes=_changes(action, status=[old, action.status], reason=reason),
    )
    return action


def _settle(case: Case, actor: User) -> None:
    """No action of the case is waiting any more: it goes back to the officer (to close)."""
    if (
        case.status == CaseStatus.ACTION_PENDING
        and not case.actions.filter(status__in=LIVE).exists()
    ):
        case.status = CaseStatus.INVESTIGATING
        case.save(update_fields=["status", "updated_at"])
        record_event(
            case,
            EventKind.STATUS,
            actor=actor,
            text=str(CaseStatus.INVESTIGATING.label),
            data={"from": CaseStatus.ACTION_PENDING, "to": case.status},
        )


# --- Deadlines -----------------------------------------------------------------------------


def _meet(
    deadline: Deadline, actor: User | None, *, note: str = "", at: datetime | None = None
) -> None:
    deadline.met_at = at or timezone.now()
    if note:
        deadline.note = note[:300]
    deadline.save(update_fields=["met_at", "note"])
    record_event(
        deadline.case,
        EventKind.DEADLINE_MET,
        actor=actor,
        at=deadline.met_at,
        text=deadline.note or str(DeadlineKind(deadline.kind).label),
        data={
            "deadline": deadline.kind,
            "due_at": deadline.due_at.isoformat(),
            "action": str(deadline.action.code) if deadline.action is not None else "",
        },
    )
    audit(
        actor=actor,
        verb=Verb.DEADLINE_MET,
        subject=deadline.case,
        changes={
            "deadline": deadline.kind,
            "due_at": deadline.due_at.isoformat(),
            "met_at": deadline.met_at.isoformat(),
            "action": str(deadline.action.code) if deadline.action is not None else "",
            "note": note,
        },
    )


@transaction.atomic
def meet_deadline(deadline: Deadline, *, actor: User, note: str = "") -> Deadline:
    """Record that a deadline was met (meeting it again changes nothing)."""
    if deadline.action_id is not None:
        lock_action(AdministrativeAction(pk=deadline.action_id))
    case = lock(Case(pk=deadline.case_id))
    deadline = Deadline.objects.select_for_update(of=("self",), no_key=True).get(pk=deadline.pk)
    deadline.case = case
    require_owner(case, actor)
    if deadline.met_at is None:
        _meet(deadline, actor, note=note)
    return deadline


@transaction.atomic
def deadlines_met_by_order(
    case: Case, action: AdministrativeAction | None = None, *, actor: User
) -> list[Deadline]:
    """A written order (Surat Perintah) was issued: the written-order deadlines it answers are
    met — the action's, or every open one of the case. Returns the deadlines met now."""
    open_ = Deadline.objects.select_for_update(of=("self",)).filter(
        case=case, kind=DeadlineKind.WRITTEN_ORDER, met_at__isnull=True
    )
    if action is not None:
        open_ = open_.filter(action=action)
    met = list(open_.select_related("case", "action"))
    for deadline in met:
        _meet(deadline, actor, note=gettext("Written order issued"))
    return met
