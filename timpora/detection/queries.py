"""Reads of the detection pages: the inbox in its order, one alert's timeline, subject and
risk, the rules with their outcomes in practice, the parameters with their history, the home
figures. Alerts are always read through ``Alert.objects.visible_to(user)``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import AgencyKind, DataCategory
from timpora.core.templatetags.timpora import rupiah
from timpora.detection.choices import (
    OPEN_STATUSES,
    AlertStatus,
    DismissalReason,
    Severity,
    Unit,
)
from timpora.detection.models import Alert, AlertRoute, LegalParameter
from timpora.detection.parameters import DEFAULT_BY_CODE
from timpora.detection.risk import Risk, risks
from timpora.detection.rules import RULES, base

C = DataCategory
EVIDENCE_KINDS = {
    base.CROSSING: _("Border crossing"),
    base.STAY_PERMIT: _("Stay permit"),
    base.RESIDENCE_REPORT: _("Residence report"),
    base.WORK_PERMIT: _("Work permit (RPTKA)"),
    base.REGISTRATION: _("Residence registration"),
    base.WATCHLIST_ENTRY: _("Watch-list entry"),
    base.COMPANY: _("Company record"),
    base.DOCUMENT: _("Travel document"),
}
# The timeline's marks (timpora.css) for the kinds that have one.
_TIMELINE_CLASS = {
    base.STAY_PERMIT: "tl-permit",
    base.WORK_PERMIT: "tl-permit",
    base.RESIDENCE_REPORT: "tl-check-in",
}


# --- The inbox -------------------------------------------------------------------------------


def ordered(alerts: QuerySet[Alert], now: datetime) -> QuerySet[Alert]:
    """Overdue first (new and past the time to acknowledge), then by severity, newest first."""
    return alerts.annotate(
        overdue_rank=Case(
            When(status=AlertStatus.NEW, acknowledge_by__lt=now, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        severity_rank=Case(
            When(severity=Severity.HIGH, then=Value(3)),
            When(severity=Severity.MEDIUM, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("-overdue_rank", "-severity_rank", "-first_detected_at", "-pk")


def with_subjects(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """What an inbox row shows, read in a fixed number of queries whatever the page size."""
    return alerts.select_related(
        "person__nationality", "place__kecamatan", "company", "kecamatan"
    ).prefetch_related("agencies")


# --- One alert -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One item of the evidence timeline."""

    when: date | datetime | None
    kind: str
    kind_label: Any
    source: str
    key: str
    label: str
    css: str

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)


def _moment(value: str | None) -> date | datetime | None:
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def timeline(alert: Alert) -> list[Step]:
    """The alert's evidence in the order things happened (undated records last)."""
    items = sorted(alert.evidence, key=lambda i: (i.get("at") is None, i.get("at") or ""))
    steps = []
    for item in items:
        kind = item.get("kind", "")
        css = _TIMELINE_CLASS.get(kind, "")
        if kind == base.CROSSING:
            departure = str(item.get("label", "")).startswith("DEPARTURE")
            css = "tl-departure" if departure else "tl-arrival"
        steps.append(
            Step(
                when=_moment(item.get("at")),
                kind=kind,
                kind_label=EVIDENCE_KINDS.get(kind, kind),
                source=item.get("source", ""),
                key=item.get("key", ""),
                label=item.get("label", ""),
                css=css,
            )
        )
    return steps


def subject_card(alert: Alert, user: Any) -> dict[str, Any]:
    """What the alert page shows of its subject, within what the user's agency may see."""
    if alert.person_id is not None:
        from timpora.registry.models import Person

        person = (
            Person.objects.select_related("nationality", "current_kecamatan")
            .filter(pk=alert.person_id)
            .get()
        )
        card: dict[str, Any] = {"person": person}
        if can_see_records(user, C.DOCUMENTS):
            card["documents"] = list(
                person.documents.select_related("issuing_state").order_by("-expiry", "-pk")
            )
        if can_see_records(user, C.RESIDENCE_REPORTS) or can_see_records(user, C.REGISTRATIONS):
            card["address"] = person.current_address
            card["kecamatan"] = person.current_kecamatan
        card["may_open"] = Person.objects.visible_to(user).filter(pk=person.pk).exists()
        return card
    if alert.place_id is not None:
        card = {"place": alert.place}
        card["show_address"] = can_see_records(user, C.RESIDENCE_REPORTS)
        return card
    return {"company": alert.company}


@dataclass
class RiskView:
    score: float
    parts: list[dict[str, Any]] = field(default_factory=list)


def subject_risk(alert: Alert) -> RiskView:
    """The risk of the alert's subject from its open alerts, part by part."""
    field_name = alert.subject_type.lower()
    found: Risk = risks(field_name, [alert.subject_id or 0]).get(alert.subject_id or 0, Risk())
    parts = [
        {
            "rule": rule,
            "title": RULES[rule].title if rule in RULES else rule,
            "severity": Severity(severity).label,
            "weight": weight,
        }
        for rule, severity, weight in found.parts
    ]
    return RiskView(found.score, parts)


# --- Rules and their outcomes ----------------------------------------------------------------


def parameter_value(value: Decimal, unit: str) -> str:
    """A parameter's value in words: ``Rp 1.000.000``, ``30 days``, ``24 hours``, ``50 %``."""
    if unit == Unit.RUPIAH:
        return rupiah(int(value))
    if unit == Unit.WEIGHT:
        return number_format(value, decimal_pos=2)
    count = int(value)
    shown = number_format(count, force_grouping=True)
    if unit == Unit.DAYS:
        return ngettext("%(n)s day", "%(n)s days", count) % {"n": shown}
    if unit == Unit.HOURS:
        return ngettext("%(n)s hour", "%(n)s hours", count) % {"n": shown}
    if unit == Unit.PERCENT:
        return f"{shown} %"
    return shown


def parameters_in_force(day: date) -> dict[str, LegalParameter]:
    """Code → the parameter row valid on ``day``."""
    rows = LegalParameter.objects.filter(valid_from__lte=day).order_by("code", "valid_from")
    found: dict[str, LegalParameter] = {}
    for row in rows:
        if row.valid_to is None or row.valid_to >= day:
            found[row.code] = row
    return found


def routes() -> dict[str, list[str]]:
    """Rule → the agency kinds its alerts go to."""
    found: dict[str, list[str]] = defaultdict(list)
    for rule, kind in AlertRoute.objects.values_list("rule", "agency_kind"):
        found[rule].append(kind)
    return found


def rule_rows(user: Any, outcomes: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Every rule with its parameters in force today, its open alerts the user may see, its
    routes and what officers decided about its alerts (``outcomes``, from the actions)."""
    today = timezone.localdate()
    in_force = parameters_in_force(today)
    open_counts = dict(
        Alert.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("rule")
        .annotate(n=Count("pk"))
        .order_by()
    )
    routed = routes()
    kinds = dict(AgencyKind.choices)
    rows = []
    for code, rule in RULES.items():
        decided = outcomes.get(code, {})
        dismissed = {r: decided.get(r, 0) for r in DismissalReason.values if decided.get(r)}
        total = sum(decided.values())
        rows.append(
            {
                "rule": rule,
                "parameters": [
                    {
                        "code": p,
                        "label": DEFAULT_BY_CODE[p].label if p in DEFAULT_BY_CODE else p,
                        "value": parameter_value(in_force[p].value, in_force[p].unit)
                        if p in in_force
                        else "—",
                    }
                    for p in rule.parameters
                ],
                "open": open_counts.get(code, 0),
                "dismissed": [
                    (DismissalReason(reason).label, n) for reason, n in dismissed.items()
                ],
                "escalated": decided.get(AlertStatus.ESCALATED, 0),
                "resolved": decided.get(AlertStatus.RESOLVED, 0),
                "decided": total,
                "share_dismissed": (sum(dismissed.values()) / total) if total else None,
                "routes": sorted(routed.get(code, [])),
                "route_labels": [kinds.get(k, k) for k in sorted(routed.get(code, []))],
            }
        )
    return rows


# --- Parameters ------------------------------------------------------------------------------


def parameter_groups() -> list[dict[str, Any]]:
    """Each parameter with its rows from the earliest, the one in force today marked."""
    today = timezone.localdate()
    used_by: dict[str, list[str]] = defaultdict(list)
    for code, rule in RULES.items():
        for parameter in rule.parameters:
            used_by[parameter].append(code)
    groups: dict[str, dict[str, Any]] = {}
    for row in LegalParameter.objects.select_related("changed_by").order_by("code", "valid_from"):
        default = DEFAULT_BY_CODE.get(row.code)
        group = groups.setdefault(
            row.code,
            {
                "code": row.code,
                "label": default.label if default else row.code,
                "unit": row.get_unit_display(),
                "rules": used_by.get(row.code, []),
                "rows": [],
                "current": None,
            },
        )
        current = row.valid_from <= today and (row.valid_to is None or today <= row.valid_to)
        group["rows"].append(
            {"row": row, "value": parameter_value(row.value, row.unit), "current": current}
        )
        if current:
            group["current"] = group["rows"][-1]
    return list(groups.values())


# --- Home ----------------------------------------------------------------------------------


def home_counts(user: Any) -> tuple[int, int]:
    """The open alerts the user may see, and how many of them are overdue."""
    visible = Alert.objects.visible_to(user)
    return visible.open().count(), visible.overdue().count()
