"""Referral pages: send a case (or a request within it) to another agency, the receiver's
answer (accept, decline with a reason, report the outcome), the sender's withdrawal, and the
referral inbox of an agency.

Each write is an action of :mod:`timpora.cases.actions.referrals`; a refusal becomes a message,
a bad value a form error. A case or referral the user may not see answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case as Cases
from django.db.models import IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.cases.actions import referrals as actions
from timpora.cases.choices import ReferralStatus
from timpora.cases.forms_actions import (
    DeclineForm,
    NoteForm,
    OutcomeForm,
    ReasonForm,
    ReferralFilterForm,
    ReferralForm,
)
from timpora.cases.models import Case, Referral
from timpora.core.querysets import get_visible_or_404

PAGE_SIZE = 25


def case_url(case: Case, anchor: str = "") -> str:
    """The case page, at one of its sections."""
    url = reverse("cases:case", args=[case.code])
    return f"{url}#{anchor}" if anchor else url


def attempt(request: HttpRequest, act: Callable[[], Any], done: Any) -> bool:
    """Run one action; a refusal or a bad value becomes an error message, never a 500."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, str(done))
    return True


def record_read(user: Any, case: Case, page: str) -> None:
    """A page that shows a case's persons or requests was read: audited, like the case page."""
    audit(
        actor=user,
        verb=Verb.CASE_VIEWED,
        subject=case,
        purpose=Purpose.INVESTIGATION,
        changes={"page": page},
    )


def _referral(request: HttpRequest, code: str) -> Referral:
    queryset = Referral.objects.select_related("case", "from_agency", "to_agency")
    return get_visible_or_404(queryset, request.user, code)


def referral_permissions(referral: Any, user: Any) -> dict[str, bool]:
    """The steps the user may take on the referral now (the actions check again)."""
    if user.is_auditor:
        return {"accept": False, "decline": False, "complete": False, "withdraw": False}
    receiver = user.agency_id == referral.to_agency_id
    sender = user.agency_id == referral.from_agency_id
    waiting = referral.status == ReferralStatus.SENT
    return {
        "accept": receiver and waiting,
        "decline": receiver and waiting,
        "complete": receiver and referral.status == ReferralStatus.ACCEPTED,
        "withdraw": sender and waiting,
    }


# --- Sending -----------------------------------------------------------------------------------


@login_required
def referral_send(request: HttpRequest, code: str) -> HttpResponse:
    """The form to send a referral (GET); sending it (POST), back to the case page."""
    user: Any = request.user
    case = get_visible_or_404(Case.objects.select_related("owning_agency"), user, code)
    form = ReferralForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.send_referral(
                case,
                actor=user,
                to_agency=data["to_agency"],
                request=data["request"],
                legal_basis=data["legal_basis"],
                scope=data["scope"],
                transfer=data["transfer"],
                respond_by=data["respond_by"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The case was referred to %(agency)s.") % {"agency": referral.to_agency.name},
            )
            return redirect(case_url(case, "referrals"))
    context = {"case": case, "form": form, "active": "cases"}
    return render(request, "cases/referral_send.html", context)


# --- The answer and the withdrawal -------------------------------------------------------------

STEPS: dict[str, tuple[type[forms.Form], Any, Any, Any]] = {
    # step: (form, action, title of its page, message when done)
    "accept": (
        NoteForm,
        lambda referral, user, data: actions.accept_referral(
            referral, actor=user, note=data["note"]
        ),
        gettext_lazy("Accept the referral"),
        gettext_lazy("The referral was accepted."),
    ),
    "decline": (
        DeclineForm,
        lambda referral, user, data: actions.decline_referral(
            referral, actor=user, reason=data["reason"]
        ),
        gettext_lazy("Decline the referral"),
        gettext_lazy("The referral was declined and returned to the sender."),
    ),
    "complete": (
        OutcomeForm,
        lambda referral, user, data: actions.complete_referral(
            referral, actor=user, outcome=data["outcome"]
        ),
        gettext_lazy("Report the outcome"),
        gettext_lazy("The outcome was reported to the sender."),
    ),
    "withdraw": (
        ReasonForm,
        lambda referral, user, data: actions.withdraw_referral(
            referral, actor=user, reason=data["reason"]
        ),
        gettext_lazy("Withdraw the referral"),
        gettext_lazy("The referral was withdrawn."),
    ),
}


def _step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    """One step on a referral: its form (GET, or POSTed with errors), or the step done."""
    user: Any = request.user
    referral = _referral(request, code)
    form_class, act, title, done = STEPS[step]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt(request, lambda: act(referral, user, data), done)
        # A declined referral no longer shows the case to the receiver: back to the inbox.
        if Case.objects.visible_to(user).filter(pk=referral.case_id).exists():
            return redirect(case_url(referral.case, "referrals"))
        return redirect("cases:referrals")
    record_read(user, referral.case, f"referral_{step}")
    context = {
        "referral": referral,
        "case": referral.case,
        "form": form,
        "step": step,
        "title": title,
        "active": "cases",
    }
    return render(request, "cases/referral_step.html", context)


@login_required
def referral_accept(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "accept")


@login_required
def referral_decline(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "decline")


@login_required
def referral_complete(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "complete")


@login_required
def referral_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    return _step(request, code, "withdraw")


# --- The inbox ---------------------------------------------------------------------------------

WAITING_FIRST = Cases(
    When(status=ReferralStatus.SENT, then=Value(0)),
    When(status=ReferralStatus.ACCEPTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@login_required
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """The referrals the user's agency received (waiting for an answer first) and sent."""
    user: Any = request.user
    form = ReferralFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    referrals = Referral.objects.visible_to(user).select_related(
        "case", "from_agency", "to_agency", "sent_by"
    )
    if status:
        referrals = referrals.filter(status=status)
    agency_id = user.agency_id or 0
    received = referrals.inbox(agency_id).annotate(waiting=WAITING_FIRST)
    received = received.order_by("waiting", "respond_by", "-sent_at", "-pk")
    sent = referrals.outbox(agency_id).order_by("-sent_at", "-pk")
    received_page = Paginator(received, PAGE_SIZE).get_page(request.GET.get("received"))
    sent_page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("sent"))
    audit(
        actor=user,
        verb=Verb.CASES_LISTED,
        purpose=Purpose.SUPERVISION,
        subject_type="cases.referral",
        changes={
            "page": "referrals",
            "cases": sorted({r.case.number for r in [*received_page, *sent_page]}),
        },
    )
    context = {
        "form": form,
        "status": status,
        "received": received_page,
        "sent": sent_page,
        "may_act": not user.is_auditor,
        "active": "referrals",
    }
    return render(request, "cases/referral_inbox.html", context)
