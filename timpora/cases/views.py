"""The case pages: the list with its filters, opening a case (by hand, or from alerts and a
review item), one case with its subjects, alerts, tasks, notes, attachments and timeline and the
owner's steps as forms, an attachment's download, and "my work".

A case outside ``Case.objects.visible_to`` answers 404, for reading and for every write. Listing
and viewing are audited; every write is an action of :mod:`timpora.cases.actions.cases`, whose
refusals are shown to the officer as messages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.cases import forms, queries
from timpora.cases.actions import cases as act
from timpora.cases.actions import common
from timpora.cases.choices import CASE_STEPS, Priority
from timpora.cases.filters import CaseFilterForm, ordered, overdue_tasks
from timpora.cases.models import Attachment, Case, Task
from timpora.cases.panels import may_open, review_case_type
from timpora.core.htmx import render_page
from timpora.core.querysets import get_visible_or_404
from timpora.detection.models import Alert
from timpora.detection.rules import RULES
from timpora.matching.models import ReviewItem

PAGE_SIZE = 25
M = TypeVar("M", bound=Model)


# --- The list --------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, open first, then by priority, newest first; audited."""
    user: Any = request.user
    form = CaseFilterForm(request.GET)
    cases = ordered(form.apply(Case.objects.visible_to(user), user))
    cases = cases.select_related("owning_agency", "assignee").annotate(late=overdue_tasks())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    audit(
        actor=user,
        verb=Verb.CASES_LISTED,
        purpose=Purpose.SUPERVISION,
        subject_type="cases.case",
        changes={"filters": form.applied(), "page": page.number, "cases": [c.number for c in page]},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_open": may_open(user),
        "active": "cases",
    }
    return render_page(request, "cases/case_list.html", context, partial="results")


# --- Opening a case --------------------------------------------------------------------------


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """A case opened by hand, about the persons named by passport number or code."""
    user: Any = request.user
    form = forms.CaseForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = act.open_case(
                actor=user,
                case_type=data["case_type"],
                title=data["title"],
                priority=data["priority"],
                summary=data["summary"],
                persons=data["persons"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": opened.case.number})
            return redirect("cases:case", code=opened.case.code)
    context = {"form": form, "may_open": may_open(user), "active": "cases"}
    return render(request, "cases/case_new.html", context)


@login_required
@require_POST
def case_open(request: HttpRequest) -> HttpResponse:
    """One case from the posted alerts and/or review item; the same alerts again give their case."""
    from timpora.cases.playbooks import case_type_for_alerts

    user: Any = request.user
    form = forms.OpenFromForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for error in form.non_field_errors()]
        messages.error(request, " ".join(errors) or _("The case was not opened."))
        return redirect("cases:list")
    data = form.cleaned_data
    wanted = set(form.alert_codes)
    alerts = list(Alert.objects.visible_to(user).filter(code__in=wanted))
    if len(alerts) != len(wanted):
        raise Http404
    item = None
    if data["review_item"]:
        item = get_visible_or_404(ReviewItem.objects.all(), user, data["review_item"])
    if alerts:
        case_type = data["case_type"] or case_type_for_alerts(alerts)
        back = reverse("detection:alert", args=[alerts[0].code])
    elif item is None:  # the form wants alerts or a review item
        raise Http404
    else:
        case_type = data["case_type"] or review_case_type(item)
        back = reverse("matching:review_item", args=[item.code])
    try:
        opened = act.open_case(
            actor=user,
            case_type=case_type,
            title=data["title"],
            alerts=alerts,
            review_item=item,
            priority=data["priority"] or Priority.NORMAL,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if opened.created:
        messages.success(request, _("Case %(number)s opened.") % {"number": opened.case.number})
    else:
        messages.info(request, _("Already in case %(number)s.") % {"number": opened.case.number})
    return redirect("cases:case", code=opened.case.code)


# --- One case --------------------------------------------------------------------------------


def _span(delta: timedelta | None) -> str:
    """A duration in words: hours under two days, days (and hours) beyond."""
    if delta is None:
        return ""
    hours = max(0, int(delta.total_seconds() // 3600))
    if hours < 48:
        if hours == 0:
            minutes = max(0, int(delta.total_seconds() // 60))
            return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days, rest = divmod(hours, 24)
    text = ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if rest:
        text += " " + ngettext("%(n)s hour", "%(n)s hours", rest) % {"n": rest}
    return text


TIMES = (
    ("alert_to_case", gettext_lazy("First alert → case")),
    ("case_to_decision", gettext_lazy("Case → decision")),
    ("decision_to_execution", gettext_lazy("Decision → execution")),
    ("alert_to_execution", gettext_lazy("First alert → execution")),
)


def _roles(case: Case, user: Any) -> tuple[bool, bool]:
    """(is_owner, is_participant): the owner works on the case; an agency a live referral
    involves — the receiver, and the sender that handed the case over — adds notes and
    attachments. The same checks as the actions', so the page offers what they allow."""
    if user.is_auditor:
        return False, False
    is_owner = user.agency_id == case.owning_agency_id
    try:
        common.require_participant(case, user)
    except common.NotAllowed:
        return is_owner, False
    return is_owner, True


@dataclass(frozen=True)
class Step:
    """A write on a case: its form, the action it calls, the words said when it is done."""

    form: type[Form]
    act: Callable[[Case, Any, dict[str, Any]], Any]
    done: Any
    needs_case: bool = False
    owner: bool = True  # only the owner; otherwise any participant
    when_open: bool = True  # offered only while the case is open


STEPS: dict[str, Step] = {
    "status": Step(
        forms.StatusForm,
        lambda case, user, d: act.change_status(case, d["status"], actor=user, note=d["note"]),
        gettext_lazy("The status was changed."),
        needs_case=True,
    ),
    "assign": Step(
        forms.AssignForm,
        lambda case, user, d: act.assign(case, d["assignee"], actor=user),
        gettext_lazy("The case was assigned."),
        needs_case=True,
    ),
    "priority": Step(
        forms.PriorityForm,
        lambda case, user, d: act.set_priority(case, d["priority"], actor=user),
        gettext_lazy("The priority was changed."),
    ),
    "task": Step(
        forms.TaskForm,
        lambda case, user, d: act.add_task(
            case,
            d["title"],
            actor=user,
            due_on=d["due_on"],
            assignee=d["assignee"],
            agency=d.get("agency"),
        ),
        gettext_lazy("The task was added."),
        needs_case=True,
    ),
    "note": Step(
        forms.NoteForm,
        lambda case, user, d: act.add_note(case, d["text"], actor=user),
        gettext_lazy("The note was added."),
        owner=False,
    ),
    "attachment": Step(
        forms.AttachmentForm,
        lambda case, user, d: act.add_attachment(
            case, d["file"], actor=user, description=d["description"]
        ),
        gettext_lazy("The file was attached."),
        owner=False,
    ),
    "close": Step(
        forms.CloseForm,
        lambda case, user, d: act.close_case(
            case, actor=user, outcome=d["outcome"], note=d["note"]
        ),
        gettext_lazy("The case was closed."),
    ),
    "reopen": Step(
        forms.ReopenForm,
        lambda case, user, d: act.reopen_case(case, actor=user, note=d["note"]),
        gettext_lazy("The case was reopened."),
        when_open=False,
    ),
}


def _make_form(name: str, case: Case, data: Any = None, files: Any = None) -> Form:
    step = STEPS[name]
    kwargs: dict[str, Any] = {"prefix": name}
    if step.needs_case:
        kwargs["case"] = case
    return step.form(data, files, **kwargs)


def _step_forms(
    case: Case, is_owner: bool, is_participant: bool, bound: dict[str, Form]
) -> dict[str, Form]:
    """The forms of the steps the user may take on the case now (or the one posted)."""
    offered = {}
    for name, step in STEPS.items():
        if not (is_owner if step.owner else is_participant):
            continue
        if step.when_open == case.is_closed:
            continue
        if name == "status" and not CASE_STEPS.get(case.status):
            continue
        offered[name] = bound.get(name) or _make_form(name, case)
    return offered


def _alert_rows(case: Case) -> list[dict[str, Any]]:
    alerts = case.alerts.select_related("person", "place", "company").order_by("first_detected_at")
    return [
        {
            "alert": alert,
            "title": RULES[alert.rule].title if alert.rule in RULES else alert.rule,
            "text": alert.explanation(),
        }
        for alert in alerts
    ]


def _detail(request: HttpRequest, case: Case, bound: dict[str, Form] | None = None) -> HttpResponse:
    user: Any = request.user
    audit(actor=user, verb=Verb.CASE_VIEWED, subject=case, purpose=Purpose.INVESTIGATION)
    is_owner, is_participant = _roles(case, user)
    durations = case.durations()
    tasks = list(case.tasks.select_related("assignee", "agency", "done_by"))
    context = {
        "case": case,
        "times": [(label, _span(durations.get(key))) for key, label in TIMES],
        "persons": case.persons.select_related("nationality").order_by("full_name"),
        "companies": case.companies.order_by("name"),
        "places": case.places.select_related("kecamatan").order_by("name", "address"),
        "alert_rows": _alert_rows(case),
        "events": case.events.select_related("actor", "agency"),
        "tasks": tasks,
        "open_tasks": [t for t in tasks if t.done_at is None],
        "attachments": case.attachments.select_related("uploaded_by").order_by("-created_at"),
        "referrals": case.referrals.select_related(
            "from_agency", "to_agency", "sent_by", "responded_by", "completed_by"
        ),
        "actions": case.actions.select_related("person", "agency", "proposed_by", "approved_by"),
        "deadlines": case.deadlines.select_related("action"),
        "documents": case.documents.select_related("agency", "issued_by", "action"),
        "is_owner": is_owner,
        "is_participant": is_participant,
        "steps": _step_forms(case, is_owner, is_participant, bound or {}),
        "user": user,
        "active": "cases",
    }
    return render(request, "cases/case_detail.html", context)


def _case(user: Any, code: str) -> Case:
    cases = Case.objects.select_related(
        "owning_agency", "assignee", "opened_by", "closed_by", "review_item"
    )
    return get_visible_or_404(cases, user, code)


@login_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The case, what it is about, its work and its timeline; viewing it is audited."""
    return _detail(request, _case(request.user, code))


@login_required
@require_POST
def case_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    """One write on the case through its action; an invalid form comes back on the page."""
    user: Any = request.user
    case = _case(user, code)
    if step not in STEPS:
        raise Http404
    form = _make_form(step, case, request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, case, {step: form})
    try:
        STEPS[step].act(case, user, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(STEPS[step].done))
    return redirect(reverse("cases:case", args=[case.code]) + f"#step-{step}")


TASK_STEPS: dict[str, tuple[Callable[[Task, Any, str], Any], Any]] = {
    "done": (
        lambda task, user, note: act.complete_task(task, actor=user, note=note),
        gettext_lazy("The task is done."),
    ),
    "reopen": (
        lambda task, user, note: act.reopen_task(task, actor=user),
        gettext_lazy("The task was reopened."),
    ),
}


@login_required
@require_POST
def task_step(request: HttpRequest, code: str, task: str, step: str) -> HttpResponse:
    """Mark a task of the case done, or reopen it."""
    user: Any = request.user
    case = _case(user, code)
    if step not in TASK_STEPS:
        raise Http404
    found = _by_code(Task.objects.filter(case=case), task)
    form = forms.TaskDoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    do, done = TASK_STEPS[step]
    try:
        do(found, user, note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect(reverse("cases:case", args=[case.code]) + "#tasks")


@login_required
def attachment_download(request: HttpRequest, code: str) -> FileResponse:
    """The file, to those who may see its case; each download is audited."""
    user: Any = request.user
    attachments = Attachment.objects.select_related("case").filter(
        case__in=Case.objects.visible_to(user).values("pk")
    )
    attachment = _by_code(attachments, code)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    act.record_download(attachment, actor=user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _by_code(rows: QuerySet[M], code: str | uuid.UUID) -> M:
    """One row of ``rows`` (already narrowed to what the user may see) by its code, or 404."""
    try:
        return rows.get(code=code if isinstance(code, uuid.UUID) else uuid.UUID(str(code)))
    except (ValueError, ObjectDoesNotExist):
        raise Http404 from None


# --- My work ---------------------------------------------------------------------------------


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """What waits for the user: assigned cases, tasks (overdue first), referrals, approvals,
    deadlines."""
    user: Any = request.user
    work = queries.my_work(user)
    numbers = {c.number for c in work.cases}
    numbers |= {t.case.number for t in work.tasks}
    numbers |= {r.case.number for r in work.referrals}
    numbers |= {a.case.number for a in work.approvals}
    numbers |= {d.case.number for d in work.deadlines}
    audit(  # the lists name persons (actions awaiting approval, case titles)
        actor=user,
        verb=Verb.CASES_LISTED,
        purpose=Purpose.SUPERVISION,
        subject_type="cases.case",
        changes={"page": "my_work", "cases": sorted(numbers)},
    )
    context = {"work": work, "active": "my_work"}
    return render(request, "cases/my_work.html", context)
