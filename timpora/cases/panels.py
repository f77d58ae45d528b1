"""What the cases app adds to other apps' pages through the hooks of ``TimporaAppConfig``: the
navigation, the home page's figures, and sections of a person's, an alert's and a review item's
page (the cases the user may see, or a form to open one)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory
from timpora.cases import forms
from timpora.cases.actions.common import NotAllowed, require_can_open
from timpora.cases.choices import CaseType, Priority
from timpora.cases.models import Case
from timpora.core.apps import HomeFigure, HomePanel


def works_on_cases(user: Any) -> bool:
    """The user's agency has cases in its profile, or a referral shares a case with it."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "agency_id", None):
        return False
    if can_see_records(user, DataCategory.CASES):
        return True
    return Case.objects.visible_to(user).exists()


def may_open(user: Any) -> bool:
    try:
        require_can_open(user)
    except NotAllowed:
        return False
    return True


def nav_items(request: HttpRequest) -> list[tuple[str, str, str]]:
    user: Any = request.user
    if not works_on_cases(user):
        return []
    return [
        (reverse("cases:list"), _("Cases"), "cases"),
        (reverse("cases:my_work"), _("My work"), "my_work"),
        (reverse("cases:referrals"), _("Referrals"), "referrals"),
    ]


def home_panels(request: HttpRequest) -> list[HomePanel]:
    """My open cases, my overdue tasks, the referrals waiting for my agency (as "my work")."""
    from timpora.cases.queries import my_work

    user: Any = request.user
    if not works_on_cases(user):
        return []
    work = my_work(user)
    url = reverse("cases:my_work")
    return [
        HomePanel(
            _("Cases"),
            [
                HomeFigure(_("My open cases"), len(work.cases), _("assigned to you"), url),
                HomeFigure(
                    _("Overdue tasks"), work.overdue_tasks, _("on the cases you work on"), url
                ),
                HomeFigure(
                    _("Referrals waiting"),
                    len(work.referrals),
                    _("for your agency's answer or outcome"),
                    url,
                ),
            ],
            order=20,
        )
    ]


def person_panels(request: HttpRequest, person: Any) -> list[str]:
    """The person's cases the user may see, open first."""
    user: Any = request.user
    cases = list(
        Case.objects.visible_to(user)
        .filter(persons=person)
        .select_related("owning_agency")
        .order_by("closed_at", "-created_at")
    )
    if not cases:
        return []
    context = {"case_panel": {"cases": cases}}
    return [render_to_string("cases/_person_cases.html", context, request=request)]


def _panel(
    request: HttpRequest, cases: list[Case], hidden: dict[str, Any], case_type: str, show: bool
) -> list[str]:
    if not cases and not show:
        return []
    form = forms.OpenFromForm(
        initial={"case_type": case_type, "priority": Priority.NORMAL, **hidden}
    )
    # One key of its own: the host page's tests read its context, which includes this one.
    context = {"case_panel": {"cases": cases, "form": form, "hidden": hidden, "may_open": show}}
    return [render_to_string("cases/_open_case.html", context, request=request)]


def alert_panels(request: HttpRequest, alert: Any) -> list[str]:
    """The open cases holding the alert, or a form to open one from it."""
    from timpora.cases.playbooks import case_type_for

    user: Any = request.user
    cases = list(Case.objects.visible_to(user).filter(alerts=alert).order_by("closed_at"))
    live = [case for case in cases if not case.is_closed]
    show = not live and alert.is_open and may_open(user)
    return _panel(request, cases, {"alerts": str(alert.code)}, case_type_for(alert), show)


def review_panels(request: HttpRequest, item: Any) -> list[str]:
    """The open cases opened from the review item, or a form to open one from it."""
    user: Any = request.user
    cases = list(Case.objects.visible_to(user).filter(review_item=item).order_by("closed_at"))
    live = [case for case in cases if not case.is_closed]
    show = not live and may_open(user)
    return _panel(request, cases, {"review_item": str(item.code)}, review_case_type(item), show)


def review_case_type(item: Any) -> str:
    """A watch-list hit is a case of its own type; two records that may be one person, an
    identity conflict."""
    from timpora.matching.choices import ReviewKind

    return CaseType.WATCHLIST_HIT if item.kind == ReviewKind.HIT else CaseType.IDENTITY_CONFLICT
