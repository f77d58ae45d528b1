"""API of cases and referrals (``/api/v1/cases``, ``/api/v1/referrals``).

Scoped like the pages: a case the caller's agency neither owns nor has been referred is a 404,
as is an alert or person it may not see. Auditors read (403 on writes); a step the case's state
or the caller's agency refuses is a 409; bad values are a 422. Reads of cases are audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from timpora.accounts.choices import Role
from timpora.accounts.models import Agency
from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.cases import playbooks
from timpora.cases.actions import cases as case_actions
from timpora.cases.actions import referrals as referral_actions
from timpora.cases.actions.common import AUDITORS_READ, NotAllowed
from timpora.cases.choices import (
    CaseStatus,
    CaseType,
    Priority,
    ReferralScope,
    ReferralStatus,
)
from timpora.cases.models import Case, Referral
from timpora.core.problems import problem
from timpora.core.querysets import get_visible_or_404
from timpora.detection.models import Alert

router = Router(tags=["cases"])


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str


class SubjectOut(Schema):
    code: str
    name: str


class TaskOut(Schema):
    code: str
    title: str
    agency: str
    assignee: str | None
    due_on: date | None
    done: bool
    overdue: bool


class ReferralOut(Schema):
    code: str
    case: str = Field(..., description="the case's code")
    case_number: str
    scope: ReferralScope
    from_agency: str
    to_agency: str
    request: str
    legal_basis: str
    transfer: bool
    respond_by: date | None
    status: ReferralStatus
    sent_at: str
    decline_reason: str
    outcome: str


class CaseOut(Schema):
    code: str
    number: str = Field(..., description="e.g. 0001/KASUS/IMI-BTM/2026")
    title: str
    case_type: CaseType
    origin: str
    status: CaseStatus
    priority: Priority
    owning_agency: str
    assignee: str | None
    first_alert_at: str | None
    created_at: str
    closed_at: str | None
    outcome: str


class CaseDetailOut(CaseOut):
    summary: str
    alerts: list[str] = Field(..., description="codes of the alerts behind the case")
    persons: list[SubjectOut]
    companies: list[SubjectOut]
    places: list[SubjectOut]
    tasks: list[TaskOut]
    referrals: list[ReferralOut]


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class ReferralPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralOut]


class CaseIn(Schema):
    alerts: list[str] = Field(default_factory=list, description="alert codes")
    persons: list[str] = Field(default_factory=list, description="person codes")
    case_type: CaseType | None = Field(
        None, description="default: from the alerts' rule (OTHER without alerts)"
    )
    title: str = Field("", max_length=200)
    priority: Priority = Priority.NORMAL
    summary: str = Field("", max_length=5000)


class CaseParams(Schema):
    status: list[CaseStatus] = Field(
        default_factory=list, description="only these statuses (repeat the parameter)"
    )
    case_type: CaseType | None = None
    agency: str = Field("", description="the owning agency's code")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ReferralIn(Schema):
    to_agency: str = Field(..., description="the receiving agency's code, e.g. DISNAKER-BTM")
    request: str = Field(..., max_length=5000)
    legal_basis: str = Field(..., max_length=300)
    scope: ReferralScope = ReferralScope.CASE
    transfer: bool = False
    respond_by: date | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=5000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=5000)


class OutcomeIn(Schema):
    outcome: str = Field(..., max_length=5000)


class ReferralParams(Schema):
    status: list[ReferralStatus] = Field(
        default_factory=list, description="only these statuses (default: every status)"
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


# --- Shapes -----------------------------------------------------------------------------------


def _time(value: Any) -> str | None:
    return value.isoformat() if value else None


def _case(case: Case) -> dict[str, Any]:
    return {
        "code": str(case.code),
        "number": case.number,
        "title": case.title,
        "case_type": case.case_type,
        "origin": case.origin,
        "status": case.status,
        "priority": case.priority,
        "owning_agency": case.owning_agency.code,
        "assignee": case.assignee.get_username() if case.assignee else None,
        "first_alert_at": _time(case.first_alert_at),
        "created_at": case.created_at.isoformat(),
        "closed_at": _time(case.closed_at),
        "outcome": case.outcome,
    }


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "code": str(referral.code),
        "case": str(referral.case.code),
        "case_number": referral.case.number,
        "scope": referral.scope,
        "from_agency": referral.from_agency.code,
        "to_agency": referral.to_agency.code,
        "request": referral.request,
        "legal_basis": referral.legal_basis,
        "transfer": referral.transfer,
        "respond_by": referral.respond_by,
        "status": referral.status,
        "sent_at": referral.sent_at.isoformat(),
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
    }


def _detail(case: Case) -> dict[str, Any]:
    def subjects(rows: Any, name: str) -> list[dict[str, str]]:
        return [{"code": str(row.code), "name": getattr(row, name)} for row in rows]

    return {
        **_case(case),
        "summary": case.summary,
        "alerts": [str(code) for code in case.alerts.values_list("code", flat=True)],
        "persons": subjects(case.persons.all(), "full_name"),
        "companies": subjects(case.companies.all(), "name"),
        "places": subjects(case.places.all(), "name"),
        "tasks": [
            {
                "code": str(task.code),
                "title": task.title,
                "agency": task.agency.code,
                "assignee": task.assignee.get_username() if task.assignee else None,
                "due_on": task.due_on,
                "done": task.done_at is not None,
                "overdue": task.is_overdue,
            }
            for task in case.tasks.select_related("agency", "assignee")
        ],
        "referrals": [
            _referral(r) for r in case.referrals.select_related("case", "from_agency", "to_agency")
        ],
    }


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A refusal (409) or bad values (422)."""
    if isinstance(exc, NotAllowed):
        return problem(request, 409, " ".join(exc.messages), slug="not-allowed")
    errors = [{"location": "body", "message": message} for message in exc.messages]
    return problem(request, 422, " ".join(exc.messages), slug="invalid", errors=errors)


def refuse_auditor(request: HttpRequest) -> HttpResponse | None:
    """Auditors read cases through the API; a write of theirs is a 403."""
    if getattr(request.user, "role", None) == Role.AUDITOR:
        return problem(request, 403, str(AUDITORS_READ), slug="forbidden")
    return None


def _visible_by_codes(queryset: Any, user: Any, codes: list[str]) -> list[Any]:
    """The rows of ``codes`` the user may see, or 404 when one is unknown or out of scope."""
    return [get_visible_or_404(queryset, user, code) for code in dict.fromkeys(codes)]


_WRITE: dict[int, Any] = {403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}


# --- Cases ------------------------------------------------------------------------------------


@router.post(
    "/cases",
    response={200: CaseDetailOut, 201: CaseDetailOut, **_WRITE},
    summary="Open a case from alerts and/or persons (200 with the case already holding them)",
)
def create_case(request: HttpRequest, body: CaseIn) -> Any:
    """The alerts are escalated and linked; the case type defaults to the one the alerts' rule
    suggests. Sending again alerts that an open case already holds answers 200 with that case."""
    from timpora.registry.models import Person

    user: Any = request.user
    alerts = _visible_by_codes(Alert.objects.all(), user, body.alerts)
    persons = _visible_by_codes(Person.objects.all(), user, body.persons)
    refused = refuse_auditor(request)
    if refused is not None:
        return refused
    case_type = body.case_type or playbooks.case_type_for_alerts(alerts)
    try:
        opened = case_actions.open_case(
            actor=user,
            case_type=case_type,
            title=body.title,
            alerts=alerts,
            persons=persons,
            priority=body.priority,
            summary=body.summary,
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return Status(201 if opened.created else 200, _detail(opened.case))


@router.get(
    "/cases",
    response={200: CasePage},
    summary="The cases you may see (audited)",
)
def list_cases(request: HttpRequest, params: Query[CaseParams]) -> dict[str, Any]:
    user: Any = request.user
    cases = Case.objects.visible_to(user).select_related("owning_agency", "assignee")
    if params.status:
        cases = cases.filter(status__in=params.status)
    if params.case_type:
        cases = cases.filter(case_type=params.case_type)
    if params.agency:
        cases = cases.filter(owning_agency__code=params.agency)
    count = cases.count()
    page = list(cases[params.offset : params.offset + params.limit])
    audit(
        actor=user,
        verb=Verb.CASES_LISTED,
        purpose=Purpose.INVESTIGATION,
        subject_type="cases.case",
        changes={
            "cases": [c.number for c in page],
            "filters": {
                "status": list(params.status),
                "case_type": params.case_type or "",
                "agency": params.agency,
            },
        },
    )
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [_case(c) for c in page],
    }


@router.get(
    "/cases/{code}",
    response={200: CaseDetailOut, 404: ProblemOut},
    summary="One case, with its subjects, tasks and referrals (audited)",
)
def get_case(request: HttpRequest, code: str) -> dict[str, Any]:
    case = get_visible_or_404(Case.objects.all(), request.user, code)
    audit(actor=request.user, verb=Verb.CASE_VIEWED, subject=case, purpose=Purpose.INVESTIGATION)
    return _detail(case)


# --- Referrals --------------------------------------------------------------------------------


@router.post(
    "/cases/{code}/referrals",
    response={200: ReferralOut, 201: ReferralOut, **_WRITE},
    summary="Send the case, or a request within it, to another agency",
)
def send_referral(request: HttpRequest, code: str, body: ReferralIn) -> Any:
    """The owning agency only; a referral to the same agency that still waits for its answer
    answers 200 unchanged."""
    user: Any = request.user
    case = get_visible_or_404(Case.objects.all(), user, code)
    refused = refuse_auditor(request)
    if refused is not None:
        return refused
    to_agency = Agency.objects.filter(code=body.to_agency).first()
    if to_agency is None:
        return problem(
            request,
            422,
            _("There is no agency %(code)s.") % {"code": body.to_agency},
            slug="invalid",
            errors=[{"location": "body.to_agency", "message": _("unknown agency")}],
        )
    waiting = set(case.referrals.values_list("pk", flat=True))
    try:
        referral = referral_actions.send_referral(
            case,
            actor=user,
            to_agency=to_agency,
            request=body.request,
            legal_basis=body.legal_basis,
            scope=body.scope,
            transfer=body.transfer,
            respond_by=body.respond_by,
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return Status(200 if referral.pk in waiting else 201, _referral(referral))


def _answer(request: HttpRequest, code: str, step: Any, **arguments: Any) -> Any:
    user: Any = request.user
    referral = get_visible_or_404(
        Referral.objects.select_related("case", "from_agency", "to_agency"), user, code
    )
    refused = refuse_auditor(request)
    if refused is not None:
        return refused
    try:
        done = step(referral, actor=user, **arguments)
    except ValidationError as exc:
        return _refused(request, exc)
    return _referral(done)


@router.post(
    "/referrals/{code}/accept",
    response={200: ReferralOut, **_WRITE},
    summary="Accept a referral sent to your agency (a transfer makes it the case's owner)",
)
def accept_referral(request: HttpRequest, code: str, body: NoteIn | None = None) -> Any:
    return _answer(request, code, referral_actions.accept_referral, note=body.note if body else "")


@router.post(
    "/referrals/{code}/decline",
    response={200: ReferralOut, **_WRITE},
    summary="Decline a referral sent to your agency, with the reason",
)
def decline_referral(request: HttpRequest, code: str, body: ReasonIn) -> Any:
    return _answer(request, code, referral_actions.decline_referral, reason=body.reason)


@router.post(
    "/referrals/{code}/complete",
    response={200: ReferralOut, **_WRITE},
    summary="Report the outcome of a referral your agency accepted",
)
def complete_referral(request: HttpRequest, code: str, body: OutcomeIn) -> Any:
    return _answer(request, code, referral_actions.complete_referral, outcome=body.outcome)


@router.get(
    "/referrals",
    response={200: ReferralPage},
    summary="The referrals sent to your agency, newest first (audited)",
)
def list_referrals(request: HttpRequest, params: Query[ReferralParams]) -> dict[str, Any]:
    user: Any = request.user
    if not user.agency_id:
        raise Http404
    referrals = (
        Referral.objects.visible_to(user)
        .inbox(user.agency_id)
        .select_related("case", "from_agency", "to_agency")
    )
    if params.status:
        referrals = referrals.filter(status__in=params.status)
    count = referrals.count()
    page = list(referrals[params.offset : params.offset + params.limit])
    audit(  # the requests name persons, like the referral inbox page
        actor=user,
        verb=Verb.CASES_LISTED,
        purpose=Purpose.SUPERVISION,
        subject_type="cases.referral",
        changes={"page": "api_referrals", "cases": sorted({r.case.number for r in page})},
    )
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [_referral(r) for r in page],
    }
