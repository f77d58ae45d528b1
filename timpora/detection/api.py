"""Alerts over HTTP: the caller's inbox in the export shape, and an officer's steps on an alert.

``GET /alerts`` lists the alerts routed to the caller's agency (coordinators and auditors see
every alert) in the export shape of ``detection-rules.md`` plus the alert's ``code``; the
acknowledge, dismiss, escalate and resolve steps call the same actions as the pages. Every
endpoint is scoped like the pages: an alert of another agency is a 404. Reads are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from timpora.accounts.choices import Role
from timpora.audit.choices import Purpose, Verb
from timpora.audit.log import record as audit
from timpora.core.problems import problem
from timpora.core.querysets import get_visible_or_404
from timpora.detection import actions
from timpora.detection.choices import AlertStatus, DismissalReason, Severity
from timpora.detection.export import export_rows
from timpora.detection.models import Alert
from timpora.detection.rules import RULES

router = Router(tags=["alerts"])


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str


class EvidenceOut(Schema):
    kind: str = Field(..., description="the exchange kind, e.g. border-crossing")
    source: str = Field(..., description="the source agency's code")
    key: str = Field(..., description="the record's key at its source")


class AlertOut(Schema):
    code: str = Field(..., description="the alert's public id, for the steps below")
    rule: str
    status: AlertStatus
    severity: Severity
    subject_type: str
    subject: dict[str, str | None] = Field(
        ...,
        description=(
            "a person: full_name, nationality, passport_number, date_of_birth; a place: "
            "reporter_id, reporter_name, address; a company: company_id, name"
        ),
    )
    explanation: str
    evidence: list[EvidenceOut]
    risk: float = Field(..., ge=0, le=1)
    first_detected_at: str = Field(..., description="ISO 8601, local time (WIB)")
    as_of: str = Field(..., description="the date the rules were evaluated as of")


class AlertPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AlertOut]


class AlertParams(Schema):
    status: list[AlertStatus] = Field(
        default_factory=list, description="only these statuses (repeat the parameter)"
    )
    rule: str = Field("", description="only this rule's alerts, e.g. OVERSTAY")
    severity: Severity | None = None
    since: str = Field(
        "",
        description="only alerts first detected at or after this ISO 8601 date or date-time "
        "(no offset: WIB)",
    )
    language: Literal["id", "en"] | None = Field(
        None, description="language of the explanations (default: the request's)"
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class DismissIn(Schema):
    reason: DismissalReason
    note: str = Field("", max_length=2000, description="required when the reason is OTHER")


def _language(requested: str | None) -> str:
    return requested or ("en" if (get_language() or "id")[:2] == "en" else "id")


def _out(alerts: Any, language: str) -> list[dict[str, Any]]:
    """``alerts`` (a list, in the order to answer) in the export shape with their codes."""
    by_pk = {a.pk: a for a in alerts}
    # export_rows answers in the order of the primary key.
    rows = dict(
        zip(
            sorted(by_pk),
            export_rows(Alert.objects.filter(pk__in=list(by_pk)), language=language),
            strict=True,
        )
    )
    return [{"code": str(a.code), **rows[a.pk]} for a in alerts]


def _since(value: str) -> datetime | None:
    """An ISO 8601 date or date-time, WIB when it has no offset (ValueError when it is not)."""
    text = value.strip()
    if not text:
        return None
    if "T" in text and " " in text and text.rsplit(" ", 1)[1][:2].isdigit():
        text = "+".join(text.rsplit(" ", 1))  # a "+" of the offset sent unencoded
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return parsed


@router.get(
    "/alerts",
    response={200: AlertPage, 422: ProblemOut},
    summary="The alerts of your agency (audited: they name persons)",
)
def list_alerts(request: HttpRequest, params: Query[AlertParams]) -> Any:
    """Alerts routed to the caller's agency, newest first, in the export shape of the
    detection rules plus each alert's ``code``. An agency whose access profile holds no
    alerts sees none. The read is audited with the codes returned."""
    user: Any = request.user
    if params.rule and params.rule not in RULES:
        return problem(
            request,
            422,
            _("There is no rule %(rule)s.") % {"rule": params.rule},
            slug="invalid",
            errors=[{"location": "query.rule", "message": _("unknown rule")}],
        )
    try:
        since = _since(params.since)
    except ValueError:
        return problem(
            request,
            422,
            _("“since” must be an ISO 8601 date or date-time, e.g. 2026-03-01T00:00:00+07:00."),
            slug="invalid",
            errors=[{"location": "query.since", "message": _("not an ISO 8601 date-time")}],
        )
    alerts = Alert.objects.visible_to(user)
    if params.status:
        alerts = alerts.filter(status__in=params.status)
    if params.rule:
        alerts = alerts.filter(rule=params.rule)
    if params.severity:
        alerts = alerts.filter(severity=params.severity)
    if since is not None:
        alerts = alerts.filter(first_detected_at__gte=since)
    count = alerts.count()
    page = list(alerts.only("pk", "code")[params.offset : params.offset + params.limit])
    audit(
        actor=user,
        verb=Verb.ALERTS_LISTED,
        purpose=Purpose.SUPERVISION,
        subject_type="detection.alert",
        changes={
            "alerts": [str(a.code) for a in page],
            "filters": {
                "status": list(params.status),
                "rule": params.rule,
                "severity": params.severity or "",
                "since": since.isoformat() if since else "",
            },
        },
    )
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "items": _out(page, _language(params.language)),
    }


@router.get(
    "/alerts/{code}",
    response={200: AlertOut, 404: ProblemOut},
    summary="One alert (audited)",
)
def get_alert(
    request: HttpRequest, code: str, language: Literal["id", "en"] | None = None
) -> dict[str, Any]:
    alert = get_visible_or_404(Alert.objects.all(), request.user, code)
    audit(actor=request.user, verb=Verb.ALERT_VIEWED, subject=alert, purpose=Purpose.SUPERVISION)
    [out] = _out([alert], _language(language))
    return out


def _act(request: HttpRequest, code: str, step: Any, **arguments: Any) -> Any:
    """Run an officer's step on a visible alert; refusals are problems (403, 409, 422)."""
    user: Any = request.user
    alert = get_visible_or_404(Alert.objects.all(), user, code)
    if user.role == Role.AUDITOR:
        return problem(
            request, 403, _("Auditors read alerts; they do not work on them."), slug="forbidden"
        )
    try:
        done = step(alert, actor=user, **arguments)
    except actions.NotAllowed as exc:
        return problem(request, 409, " ".join(exc.messages), slug="not-allowed")
    except ValidationError as exc:
        return _invalid(request, exc)
    [out] = _out([done], _language(None))
    return out


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"location": "body", "message": message} for message in exc.messages]
    return problem(request, 422, " ".join(exc.messages), slug="invalid", errors=errors)


_STEP_RESPONSES: dict[int, Any] = {
    200: AlertOut,
    403: ProblemOut,
    404: ProblemOut,
    409: ProblemOut,
    422: ProblemOut,
}


@router.post(
    "/alerts/{code}/acknowledge",
    response=_STEP_RESPONSES,
    summary="Acknowledge a new alert: an officer is looking at it",
)
def acknowledge_alert(request: HttpRequest, code: str, body: NoteIn | None = None) -> Any:
    return _act(request, code, actions.acknowledge, note=body.note if body else "")


@router.post(
    "/alerts/{code}/dismiss",
    response=_STEP_RESPONSES,
    summary="Dismiss an open alert with a reason (a note is required for OTHER)",
)
def dismiss_alert(request: HttpRequest, code: str, body: DismissIn) -> Any:
    """A dismissed alert stays dismissed while its evidence is the same; new evidence
    reopens it."""
    return _act(request, code, actions.dismiss, reason=body.reason, note=body.note)


@router.post(
    "/alerts/{code}/escalate",
    response=_STEP_RESPONSES,
    summary="Escalate a new or acknowledged alert",
)
def escalate_alert(request: HttpRequest, code: str, body: NoteIn | None = None) -> Any:
    return _act(request, code, actions.escalate, note=body.note if body else "")


@router.post(
    "/alerts/{code}/resolve",
    response=_STEP_RESPONSES,
    summary="Close an open alert: handled, or its condition ended",
)
def resolve_alert(request: HttpRequest, code: str, body: NoteIn | None = None) -> Any:
    return _act(request, code, actions.resolve, note=body.note if body else "")
