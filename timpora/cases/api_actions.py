"""API of administrative actions (``/api/v1/cases/{code}/actions``, ``/api/v1/actions``).

Scoped like the pages: an action of a case the caller may not see is a 404. Auditors read
(403 on writes), as does anyone whose role or agency may not take the step (403: an officer
approving, the proposer approving their own action); a step the action's state refuses is a 409;
bad details are a 422, field by field. Reads name a person and are audited.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.cases.actions import measures as steps
from timpora.cases.actions.common import NotAllowed
from timpora.cases.api import refuse_auditor
from timpora.cases.choices import ActionKind, ActionStatus, DeadlineKind
from timpora.cases.models import AdministrativeAction, Case
from timpora.core.problems import problem
from timpora.core.querysets import get_visible_or_404
from timpora.registry.models import StayPermit

router = Router(tags=["administrative actions"])


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str


class DeadlineOut(Schema):
    kind: DeadlineKind
    due_at: str
    met_at: str | None
    overdue: bool


class ActionOut(Schema):
    code: str
    case: str = Field(..., description="the case's code")
    case_number: str
    kind: ActionKind
    status: ActionStatus
    person: str = Field(..., description="the person's code")
    person_name: str
    agency: str = Field(..., description="the issuing agency's code")
    grounds: str
    legal_basis: str
    details: dict[str, Any]
    urgent: bool
    permit_number: str | None
    extends: str | None = Field(..., description="the code of the ban this one extends")
    days: int | None
    amount: str | None = Field(..., description="rupiah, whole")
    effective_on: date | None
    ends_on: date | None
    proposed_by: str
    approved_by: str | None
    approved_at: str | None
    executed_at: str | None
    cancelled_at: str | None
    cancel_reason: str
    deadlines: list[DeadlineOut]


class ActionIn(Schema):
    kind: ActionKind
    person: str = Field(..., description="the code of a person who is a subject of the case")
    grounds: str = Field(..., max_length=4000)
    details: dict[str, Any] = Field(
        default_factory=dict, description="the data of the kind (see cases.measures)"
    )
    legal_basis: str = Field("", max_length=300, description="default: the kind's")
    urgent: bool = Field(False, description="taken in the field without a written order")
    permit: str = Field("", max_length=64, description="the stay permit's number (permit kinds)")
    extends: str = Field("", description="the code of the executed ban this one extends")


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ExecuteIn(Schema):
    note: str = Field("", max_length=2000)
    executed_on: date | None = None
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="an overstay charge: its payment {paid_on, receipt_number}",
    )


class CancelIn(Schema):
    reason: str = Field(..., max_length=2000)


def _uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def _moment(value: Any) -> str | None:
    return value.isoformat() if value else None


def _out(action: AdministrativeAction) -> dict[str, Any]:
    return {
        "code": str(action.code),
        "case": str(action.case.code),
        "case_number": action.case.number,
        "kind": action.kind,
        "status": action.status,
        "person": str(action.person.code),
        "person_name": action.person.full_name,
        "agency": action.agency.code,
        "grounds": action.grounds,
        "legal_basis": action.legal_basis,
        "details": action.details,
        "urgent": action.urgent,
        "permit_number": action.permit.permit_number if action.permit else None,
        "extends": str(action.extends.code) if action.extends else None,
        "days": action.days,
        "amount": f"{action.amount:.0f}" if action.amount is not None else None,
        "effective_on": action.effective_on,
        "ends_on": action.ends_on,
        "proposed_by": action.proposed_by.username,
        "approved_by": action.approved_by.username if action.approved_by else None,
        "approved_at": _moment(action.approved_at),
        "executed_at": _moment(action.executed_at),
        "cancelled_at": _moment(action.cancelled_at),
        "cancel_reason": action.cancel_reason,
        "deadlines": [
            {
                "kind": d.kind,
                "due_at": d.due_at.isoformat(),
                "met_at": _moment(d.met_at),
                "overdue": d.is_overdue,
            }
            for d in action.deadlines.all()
        ],
    }


def _actions() -> Any:
    return AdministrativeAction.objects.select_related(
        "case", "person", "agency", "permit", "extends", "proposed_by", "approved_by"
    ).prefetch_related("deadlines")


def _refused(
    request: HttpRequest, exc: ValidationError, top: frozenset[str] = frozenset()
) -> HttpResponse:
    """A step refused: by the state (409), by role or agency (403), or bad values (422)."""
    if isinstance(exc, steps.WrongState):
        return problem(request, 409, " ".join(exc.messages), slug="not-allowed")
    if isinstance(exc, NotAllowed):
        return problem(request, 403, " ".join(exc.messages), slug="forbidden")
    messages: Any = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    errors = [
        {"location": _location(name, top), "message": m}
        for name, items in messages.items()
        for m in items
    ]
    return problem(request, 422, " ".join(exc.messages), slug="invalid", errors=errors)


PROPOSAL = frozenset({"kind", "person", "grounds", "legal_basis", "permit", "extends"})
EXECUTION = frozenset({"executed_on", "details", "note"})
CANCELLATION = frozenset({"reason"})


def _location(name: str, top: frozenset[str]) -> str:
    """Where a bad value was: a field of the body (``top``), or of its details."""
    if name in top:
        return f"body.{name}"
    if name in ("", NON_FIELD_ERRORS):
        return "body.details"
    return f"body.details.{name}"


def _viewed(request: HttpRequest, case: Case, actions: list[AdministrativeAction]) -> None:
    audit(
        actor=request.user,
        verb=Verb.CASE_VIEWED,
        subject=case,
        purpose=Purpose.SUPERVISION,
        changes={
            "actions": [str(a.code) for a in actions],
            "persons": sorted({str(a.person.code) for a in actions}),
        },
    )


_WRITE: dict[int, Any] = {403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut}


@router.post(
    "/cases/{code}/actions",
    response={201: ActionOut, **_WRITE},
    summary="Propose an administrative action against a subject of the case",
)
def propose(request: HttpRequest, code: str, body: ActionIn) -> Any:
    """The details are validated for the kind; an overstay charge is computed on the server
    (days times the charge valid on each day) and refused beyond the threshold (deportation
    applies). An urgent field action owes its written order within a day."""
    user: Any = request.user
    case = get_visible_or_404(Case.objects.all(), user, code)
    if refused := refuse_auditor(request):
        return refused
    person_code = _uuid(body.person)
    person = case.persons.filter(code=person_code).first() if person_code else None
    if person is None:
        return _refused(
            request,
            ValidationError({"person": [_("The person is not a subject of this case.")]}),
            PROPOSAL,
        )
    permit = None
    if body.permit:
        permit = (
            StayPermit.objects.filter(person=person, permit_number=body.permit.strip())
            .order_by("-valid_until", "-pk")
            .first()
        )
        if permit is None:
            return _refused(
                request,
                ValidationError({"permit": [_("The person holds no such permit.")]}),
                PROPOSAL,
            )
    extends = None
    if body.extends:
        extends_code = _uuid(body.extends)
        extends = (
            AdministrativeAction.objects.visible_to(user).filter(code=extends_code).first()
            if extends_code
            else None
        )
        if extends is None:
            return _refused(
                request, ValidationError({"extends": [_("There is no such action.")]}), PROPOSAL
            )
    try:
        action = steps.propose_action(
            case,
            actor=user,
            kind=body.kind,
            person=person,
            grounds=body.grounds,
            details=body.details,
            legal_basis=body.legal_basis,
            urgent=body.urgent,
            permit=permit,
            extends=extends,
        )
    except ValidationError as exc:
        return _refused(request, exc, PROPOSAL)
    return Status(201, _out(_actions().get(pk=action.pk)))


@router.get(
    "/cases/{code}/actions",
    response={200: list[ActionOut], 404: ProblemOut},
    summary="The administrative actions of a case (audited: they name persons)",
)
def list_actions(request: HttpRequest, code: str) -> Any:
    case = get_visible_or_404(Case.objects.all(), request.user, code)
    actions = list(_actions().filter(case=case).order_by("created_at", "pk"))
    _viewed(request, case, actions)
    return [_out(a) for a in actions]


@router.get(
    "/actions/{code}",
    response={200: ActionOut, 404: ProblemOut},
    summary="One administrative action (audited)",
)
def get_action(request: HttpRequest, code: str) -> Any:
    action = get_visible_or_404(_actions(), request.user, code)
    _viewed(request, action.case, [action])
    return _out(action)


def _step(request: HttpRequest, code: str, step: Any, top: frozenset[str], **arguments: Any) -> Any:
    user: Any = request.user
    action = get_visible_or_404(AdministrativeAction.objects.all(), user, code)
    if refused := refuse_auditor(request):
        return refused
    try:
        step(action, actor=user, **arguments)
    except ValidationError as exc:
        return _refused(request, exc, top)
    return _out(_actions().get(pk=action.pk))


@router.post(
    "/actions/{code}/approve",
    response={200: ActionOut, **_WRITE},
    summary="Approve a proposed action (a supervisor or coordinator; never the proposer)",
)
def approve(request: HttpRequest, code: str, body: NoteIn | None = None) -> Any:
    return _step(request, code, steps.approve_action, frozenset(), note=body.note if body else "")


@router.post(
    "/actions/{code}/execute",
    response={200: ActionOut, **_WRITE},
    summary="Execute an approved action; its effects are written back into the data",
)
def execute(request: HttpRequest, code: str, body: ExecuteIn | None = None) -> Any:
    """A deportation with an entry ban, or a listing, adds a watch-list entry; a permit
    cancellation cancels the permit; an overstay charge records its payment. Executing an
    executed action again changes nothing."""
    body = body or ExecuteIn(note="", executed_on=None, details={})
    return _step(
        request,
        code,
        steps.execute_action,
        EXECUTION,
        note=body.note,
        executed_on=body.executed_on,
        details=body.details,
    )


@router.post(
    "/actions/{code}/cancel",
    response={200: ActionOut, **_WRITE},
    summary="Cancel a proposed or approved action, with the reason",
)
def cancel(request: HttpRequest, code: str, body: CancelIn) -> Any:
    return _step(request, code, steps.cancel_action, CANCELLATION, reason=body.reason)
