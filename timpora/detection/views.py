"""The detection pages: the alert inbox with its filters and bulk acknowledgement, one alert with
its evidence, subject, risk, history and the officer's steps, the rules with their outcomes in
practice and their routes, and the dated legal parameters.

Every page needs alerts in the agency's access profile (404 otherwise, as for a record out of
scope); listing and viewing alerts are audited with the purpose of supervision; every write is
an action of :mod:`timpora.detection.actions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import AgencyKind, DataCategory
from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.core.apps import collect_panels
from timpora.core.htmx import render_page
from timpora.core.querysets import get_visible_or_404
from timpora.detection import actions, queries
from timpora.detection.choices import OPEN_STATUSES, AlertStatus, DismissalReason
from timpora.detection.filters import AlertFilterForm
from timpora.detection.forms import (
    DismissForm,
    ParameterForm,
    ResolveForm,
    RoutesForm,
    StepForm,
)
from timpora.detection.models import Alert
from timpora.detection.rules import RULES

PAGE_SIZE = 25
Act = Callable[[Alert, Any, dict[str, Any]], Alert]


def _may_see_alerts(user: Any) -> None:
    """Without alerts in the access profile, every detection page answers as if absent."""
    if not can_see_records(user, DataCategory.ALERTS):
        raise Http404


# --- The inbox -------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The alerts routed to the user's agency, overdue first; the listing is audited."""
    user: Any = request.user
    _may_see_alerts(user)
    form = AlertFilterForm(request.GET)
    now = timezone.now()
    alerts = queries.ordered(form.apply(Alert.objects.visible_to(user), now), now)
    page = Paginator(queries.with_subjects(alerts), PAGE_SIZE).get_page(request.GET.get("page"))
    audit(
        actor=user,
        verb=Verb.ALERTS_LISTED,
        purpose=Purpose.SUPERVISION,
        subject_type="detection.alert",
        changes={
            "filters": form.applied(),
            "page": page.number,
            "alerts": [str(alert.code) for alert in page],
        },
    )
    rows = [
        {
            "alert": alert,
            "title": RULES[alert.rule].title if alert.rule in RULES else alert.rule,
            "overdue": bool(getattr(alert, "overdue_rank", 0)),
        }
        for alert in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "may_act": not user.is_auditor,
        "active": "alerts",
    }
    return render_page(request, "detection/inbox.html", context, partial="results")


@login_required
@require_POST
def acknowledge_selected(request: HttpRequest) -> HttpResponse:
    """Acknowledge the checked alerts that are new and the user may work on."""
    user: Any = request.user
    _may_see_alerts(user)
    codes = []
    for value in request.POST.getlist("alerts"):
        try:
            codes.append(uuid.UUID(value))
        except ValueError:
            continue
    if not codes:
        messages.error(request, _("Check the alerts to acknowledge."))
    else:
        try:
            count = actions.acknowledge_many(
                Alert.objects.visible_to(user).filter(code__in=codes), actor=user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                ngettext("%(count)s alert acknowledged.", "%(count)s alerts acknowledged.", count)
                % {"count": count},
            )
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("detection:inbox") + (f"?{query}" if query else ""))


# --- One alert -------------------------------------------------------------------------------

STEPS: dict[str, tuple[type[Form], Act, Any, tuple[str, ...]]] = {
    "acknowledge": (
        StepForm,
        lambda alert, user, data: actions.acknowledge(alert, actor=user, note=data["note"]),
        gettext_lazy("The alert was acknowledged."),
        (AlertStatus.NEW,),
    ),
    "escalate": (
        StepForm,
        lambda alert, user, data: actions.escalate(alert, actor=user, note=data["note"]),
        gettext_lazy("The alert was escalated."),
        (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED),
    ),
    "dismiss": (
        DismissForm,
        lambda alert, user, data: actions.dismiss(
            alert, actor=user, reason=data["reason"], note=data["note"]
        ),
        gettext_lazy("The alert was dismissed."),
        OPEN_STATUSES,
    ),
    "resolve": (
        ResolveForm,
        lambda alert, user, data: actions.resolve(alert, actor=user, note=data["note"]),
        gettext_lazy("The alert was closed."),
        OPEN_STATUSES,
    ),
}


def _step_forms(alert: Alert, user: Any, bound: Form | None, step: str) -> dict[str, Form]:
    """The steps the user may take on the alert now, as empty forms (or the one posted)."""
    if user.is_auditor:
        return {}
    return {
        name: bound if bound is not None and name == step else form_class(prefix=name)
        for name, (form_class, _act, _done, allowed) in STEPS.items()
        if alert.status in allowed
    }


@login_required
def alert_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The alert with its evidence, subject, risk and history; the officer's steps as forms."""
    user: Any = request.user
    _may_see_alerts(user)
    alerts = Alert.objects.select_related("handled_by", "kecamatan", "nationality")
    alert = get_visible_or_404(alerts, user, code)
    bound, step = None, request.POST.get("step", "")
    if request.method == "POST":
        if step not in STEPS:
            return HttpResponseBadRequest(_("Unknown step."))
        form_class, act, done, _allowed = STEPS[step]
        bound = form_class(request.POST, prefix=step)
        if bound.is_valid():
            try:
                act(alert, user, bound.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, str(done))
            return redirect("detection:alert", code=alert.code)
    audit(actor=user, verb=Verb.ALERT_VIEWED, subject=alert, purpose=Purpose.SUPERVISION)
    other = "id" if (get_language() or "id").startswith("en") else "en"
    context = {
        "alert": alert,
        "rule": RULES.get(alert.rule),
        "other_language": other,
        "other_explanation": alert.explanation(other),
        "timeline": queries.timeline(alert),
        "card": queries.subject_card(alert, user),
        "risk": queries.subject_risk(alert),
        "events": alert.events.select_related("actor"),
        "agencies": alert.agencies.order_by("code"),
        "steps": _step_forms(alert, user, bound, step),
        "panels": collect_panels("alert_panels", request, alert),
        "active": "alerts",
    }
    return render(request, "detection/alert_detail.html", context)


# --- Rules and parameters --------------------------------------------------------------------


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule with its open alerts, outcomes in practice and routes (a coordinator edits)."""
    user: Any = request.user
    _may_see_alerts(user)
    if request.method == "POST":
        if not user.is_coordinator:
            raise PermissionDenied(_("Only a coordinator changes where alerts go."))
        form = RoutesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.set_routes(data["rule"], data["agency_kinds"], actor=user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("The alerts of %(rule)s now go to the agencies checked.")
                    % {"rule": data["rule"]},
                )
        else:
            messages.error(request, _("The routes could not be read."))
        return redirect("detection:rules")
    context = {
        "rows": queries.rule_rows(user, actions.dismissals_per_rule()),
        "reasons": DismissalReason.choices,
        "kinds": AgencyKind.choices,
        "may_edit": user.is_coordinator,
        "active": "alerts",
    }
    return render(request, "detection/rule_list.html", context)


def _parameter_form(code: str, data: Any = None) -> ParameterForm:
    """One form per parameter on the page, with ids of its own."""
    safe = "".join(ch for ch in code if ch.isalnum() or ch == "_")[:40]
    return ParameterForm(data, initial={"code": code}, auto_id=f"id_{safe}_%s")


@login_required
def parameter_list(request: HttpRequest) -> HttpResponse:
    """The dated parameters and their history; a coordinator sets a value from a date on."""
    user: Any = request.user
    _may_see_alerts(user)
    posted = None
    if request.method == "POST":
        if not user.is_coordinator:
            raise PermissionDenied(_("Only a coordinator changes a legal parameter."))
        posted = _parameter_form(request.POST.get("code", ""), request.POST)
        if posted.is_valid():
            data = posted.cleaned_data
            try:
                actions.set_parameter(
                    data["code"],
                    data["value"],
                    valid_from=data["valid_from"],
                    legal_basis=data["legal_basis"],
                    note=data["note"],
                    actor=user,
                )
            except ValidationError as exc:
                posted.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(code)s has its new value from %(day)s on.")
                    % {"code": data["code"], "day": data["valid_from"].strftime("%d-%m-%Y")},
                )
                return redirect("detection:parameters")
    groups = queries.parameter_groups()
    if user.is_coordinator:
        for group in groups:
            mine = posted is not None and posted["code"].value() == group["code"]
            group["form"] = posted if mine else _parameter_form(group["code"])
            group["open"] = mine
    context = {"groups": groups, "may_edit": user.is_coordinator, "active": "alerts"}
    return render(request, "detection/parameter_list.html", context)
