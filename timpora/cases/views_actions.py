"""Administrative action pages: propose one (the fields of the chosen kind swapped in by htmx,
or shown after choosing the kind without JavaScript), approve, execute (with the payment of an
overstay charge), cancel, and meet a deadline.

Each write is an action of :mod:`timpora.cases.actions.measures`; a refusal becomes a message,
a bad value an error next to its field. A case or action the user may not see answers 404.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from timpora.accounts.choices import AgencyKind
from timpora.cases import measures
from timpora.cases.actions import measures as actions
from timpora.cases.actions.common import NotAllowed
from timpora.cases.choices import ActionKind, ActionStatus
from timpora.cases.forms_actions import (
    NOT_PROPOSED,
    DetailsForm,
    ExecuteForm,
    MeetForm,
    NoteForm,
    PaymentForm,
    ProposeForm,
    ReasonForm,
    details_form,
    label_for,
)
from timpora.cases.models import AdministrativeAction, Case, Deadline
from timpora.cases.views_referrals import attempt, case_url, record_read
from timpora.core.htmx import is_partial
from timpora.core.querysets import get_visible_or_404
from timpora.detection.parameters import rupiah

FIELDS_PARTIAL = "cases/_action_propose_form.html#action_fields"


def _case(request: HttpRequest, code: str) -> Case:
    cases = Case.objects.select_related("owning_agency")
    return get_visible_or_404(cases, request.user, code)


def _action(request: HttpRequest, code: str) -> AdministrativeAction:
    queryset = AdministrativeAction.objects.select_related(
        "case", "case__owning_agency", "person", "agency", "proposed_by", "approved_by"
    )
    return get_visible_or_404(queryset, request.user, code)


def _initial(request: HttpRequest) -> dict[str, Any]:
    """What was typed before the kind was (re)chosen without JavaScript: kept, but for the
    legal basis, which follows the kind."""
    get = request.GET
    return {
        "person": get.get("action-person", ""),
        "grounds": get.get("action-grounds", ""),
        "urgent": bool(get.get("action-urgent")),
    }


def _spread(exc: ValidationError, form: Form, details: DetailsForm) -> None:
    """Put each error of the action next to the field it names, in either form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = name.split(".")[0]
        if field in details.fields:
            details.add_error(field, errors)
        elif field in form.fields and field != NON_FIELD_ERRORS:
            form.add_error(field, errors)
        else:
            # Whole-form errors of the details (the kind's own checks) belong with them.
            details.add_error(None, errors)


@login_required
def action_propose(request: HttpRequest, code: str) -> HttpResponse:
    """The proposal form (GET, or only its per-kind fields for htmx); proposing it (POST)."""
    user: Any = request.user
    case = _case(request, code)
    if request.method == "POST":
        form = ProposeForm(request.POST, case=case)
        details = details_form(form.action_kind, request.POST)
        valid = form.is_valid()
        if details.is_valid() and valid:
            data = form.cleaned_data
            try:
                actions.propose_action(
                    case,
                    actor=user,
                    kind=form.action_kind,
                    person=data["person"],
                    grounds=data["grounds"],
                    details=details.details(),
                    legal_basis=data["legal_basis"],
                    urgent=data["urgent"],
                    permit=data.get("permit"),
                    extends=data.get("extends"),
                )
            except NotAllowed as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(case_url(case, "actions"))
            except ValidationError as exc:
                _spread(exc, form, details)
            else:
                messages.success(
                    request,
                    _("%(kind)s was proposed; a supervisor decides on it.")
                    % {"kind": form.spec.label},
                )
                return redirect(case_url(case, "actions"))
    else:
        kind = request.GET.get("action-kind", "")
        form = ProposeForm(case=case, kind=kind, initial=_initial(request))
        details = details_form(form.action_kind)
    context = {"case": case, "form": form, "details": details, "active": "cases"}
    if not is_partial(request):
        record_read(user, case, "action_propose")  # lists the case's persons
    if is_partial(request) and request.method == "GET":
        return render(request, FIELDS_PARTIAL, context)
    return render(request, "cases/action_propose.html", context)


# --- Steps on one action -----------------------------------------------------------------------

STEPS: dict[str, tuple[type[Form], Any, Any, Any]] = {
    # step: (form, action, title of its page, message when done)
    "approve": (
        NoteForm,
        lambda action, user, data: actions.approve_action(action, actor=user, note=data["note"]),
        gettext_lazy("Approve the action"),
        gettext_lazy("The action was approved."),
    ),
    "cancel": (
        ReasonForm,
        lambda action, user, data: actions.cancel_action(action, actor=user, reason=data["reason"]),
        gettext_lazy("Cancel the action"),
        gettext_lazy("The action was cancelled."),
    ),
}


def _step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    user: Any = request.user
    action = _action(request, code)
    form_class, act, title, done = STEPS[step]
    form = form_class(request.POST or None, prefix=step)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt(request, lambda: act(action, user, data), done)
        return redirect(case_url(action.case, "actions"))
    record_read(user, action.case, f"action_{step}")
    context = {
        "action": action,
        "case": action.case,
        "forms": [form],
        "step": step,
        "title": title,
        "may": action_permissions(action, user),
        "active": "cases",
    }
    return render(request, "cases/action_step.html", context)


@login_required
def action_approve(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "approve")


@login_required
def action_cancel(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "cancel")


@login_required
def action_execute(request: HttpRequest, code: str) -> HttpResponse:
    """Execute an approved action (an overstay charge with its payment)."""
    user: Any = request.user
    action = _action(request, code)
    data = request.POST if request.method == "POST" else None
    form = ExecuteForm(data, prefix="execute")
    payment = (
        PaymentForm(data, prefix="payment") if action.kind == ActionKind.OVERSTAY_CHARGE else None
    )
    forms_ = [form] + ([payment] if payment is not None else [])
    valid = [f.is_valid() for f in forms_] if request.method == "POST" else [False]
    if all(valid):
        try:
            actions.execute_action(
                action,
                actor=user,
                note=form.cleaned_data["note"],
                executed_on=form.cleaned_data["executed_on"],
                details=payment.details() if payment is not None else None,
            )
        except NotAllowed as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(case_url(action.case, "actions"))
        except ValidationError as exc:
            _spread_execution(exc, form, payment)
        else:
            messages.success(request, _("The action was executed."))
            return redirect(case_url(action.case, "actions"))
    record_read(user, action.case, "action_execute")
    context = {
        "action": action,
        "case": action.case,
        "forms": forms_,
        "step": "execute",
        "title": _("Execute the action"),
        "may": action_permissions(action, user),
        "active": "cases",
    }
    return render(request, "cases/action_step.html", context)


def _spread_execution(exc: ValidationError, form: Form, payment: Form | None) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        if payment is not None and name in payment.fields:
            payment.add_error(name, errors)
        elif name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


# --- Deadlines ---------------------------------------------------------------------------------


@login_required
@require_POST
def deadline_meet(request: HttpRequest, code: str, deadline: uuid.UUID) -> HttpResponse:
    """Record that a deadline of the case was met."""
    user: Any = request.user
    case = _case(request, code)
    found = Deadline.objects.filter(case=case, code=deadline).select_related("case").first()
    if found is None:
        raise Http404
    form = MeetForm(request.POST, prefix="meet")
    note = form.cleaned_data["note"] if form.is_valid() else ""
    attempt(
        request,
        lambda: actions.meet_deadline(found, actor=user, note=note),
        _("The deadline was recorded as met."),
    )
    return redirect(case_url(case, "actions"))


# --- What the case page shows ------------------------------------------------------------------


def may_propose(case: Case, user: Any) -> bool:
    """The propose form is for the owner, when the owner is an immigration office."""
    return (
        not user.is_auditor
        and user.agency_id == case.owning_agency_id
        and case.owning_agency.kind == AgencyKind.IMMIGRATION
        and not case.is_closed
    )


def action_permissions(action: AdministrativeAction, user: Any) -> dict[str, bool]:
    """The steps the user may take on the action now (the actions check again)."""
    worker = not user.is_auditor and user.agency_id == action.agency_id
    approver = worker and user.role in actions.APPROVERS
    return {
        "approve": approver
        and action.status == ActionStatus.PROPOSED
        and user.pk != action.proposed_by_id,
        "execute": worker and action.status == ActionStatus.APPROVED,
        "cancel": worker
        and action.status in actions.LIVE
        and (approver or user.pk == action.proposed_by_id),
    }


def _shown(value: Any) -> Any:
    """A detail as the page shows it: dates as dates, lists joined."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def detail_rows(action: AdministrativeAction) -> list[tuple[Any, Any]]:
    """The details of the action in the order of its kind's fields, with their labels."""
    spec = measures.SPECS.get(action.kind)
    names = list(spec.details.model_fields) if spec else list(action.details)
    rows = []
    for name in names:
        value = action.details.get(name)
        if name in NOT_PROPOSED or value is None or value == "" or value == []:
            continue
        rows.append((label_for(name), _shown(value)))
    return rows


def charge_of(action: AdministrativeAction) -> dict[str, Any] | None:
    """The overstay charge as days times the charge of each period = Rp …, and its payment."""
    details = action.details
    if action.kind != ActionKind.OVERSTAY_CHARGE or "parts" not in details:
        return None
    parts = [
        {
            "first": _shown(part["from"]),
            "last": _shown(part["to"]),
            "days": part["days"],
            "per_day": rupiah(Decimal(part["per_day"])),
            "subtotal": rupiah(Decimal(part["subtotal"])),
        }
        for part in details["parts"]
    ]
    payment = details.get("payment") or None
    if payment:
        payment = {"paid_on": _shown(payment["paid_on"]), "receipt": payment["receipt_number"]}
    return {
        "days": details.get("days"),
        "amount": details.get("amount_text") or rupiah(Decimal(details.get("amount", 0))),
        "threshold_days": details.get("threshold_days"),
        "parts": parts,
        "payment": payment,
    }


def deadline_row(deadline: Deadline, now: datetime.datetime) -> dict[str, Any]:
    """A deadline with its state in words: met, overdue by …, or due in …."""
    if deadline.met_at is not None:
        state, words = "met", ""
    elif deadline.due_at < now:
        state = "overdue"
        words = _("overdue by %(time)s") % {"time": timesince(deadline.due_at, now, depth=2)}
    else:
        state = "due"
        words = _("due in %(time)s") % {"time": timeuntil(deadline.due_at, now, depth=2)}
    return {"deadline": deadline, "state": state, "words": words}


def action_rows(
    action_list: Any, deadlines: Any, user: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each action with its details, charge, deadlines and the user's steps; and the case's
    deadlines that belong to no action."""
    now = timezone.now()
    by_action: dict[int | None, list[dict[str, Any]]] = {}
    for deadline in deadlines:
        by_action.setdefault(deadline.action_id, []).append(deadline_row(deadline, now))
    rows = []
    for action in action_list:
        may = action_permissions(action, user)
        spec = measures.SPECS.get(action.kind)
        rows.append(
            {
                "action": action,
                "label": spec.label if spec else action.get_kind_display(),
                "details": detail_rows(action),
                "charge": charge_of(action),
                "deadlines": by_action.get(action.pk, []),
                "may": may,
                "execute": (
                    ExecuteForm(prefix="execute", auto_id=f"id_{action.code}_%s")
                    if may["execute"]
                    else None
                ),
                "payment": (
                    PaymentForm(prefix="payment", auto_id=f"id_{action.code}_%s")
                    if may["execute"] and action.kind == ActionKind.OVERSTAY_CHARGE
                    else None
                ),
            }
        )
    return rows, by_action.get(None, [])
