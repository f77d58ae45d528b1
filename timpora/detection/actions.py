"""Every write of the detection app: persisting what the rules found, the alert's life, the
parameters and routes a coordinator edits. Each action is atomic and audited."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import AgencyKind, Role
from timpora.accounts.models import Agency, User
from timpora.audit import log
from timpora.audit.choices import Verb
from timpora.detection import evidence as evidence_of
from timpora.detection.choices import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    AlertStatus,
    DismissalReason,
    EventKind,
    Severity,
    SubjectType,
)
from timpora.detection.models import Alert, AlertEvent, AlertRoute, LegalParameter
from timpora.detection.parameters import DEFAULTS, SINCE, Parameters
from timpora.detection.rules import RULES, Context, Draft, Rule

CHUNK = 2000
SUBJECT_FIELD = {
    SubjectType.PERSON: "person",
    SubjectType.PLACE: "place",
    SubjectType.COMPANY: "company",
}
K = AgencyKind
DEFAULT_ROUTES: dict[str, tuple[str, ...]] = {
    "OVERSTAY": (K.IMMIGRATION,),
    "PERMIT_EXPIRING": (K.IMMIGRATION,),
    "VISITOR_WORKING": (K.IMMIGRATION, K.MANPOWER),
    "WORK_MISMATCH": (K.IMMIGRATION, K.MANPOWER),
    "WORK_PERMIT_LAPSED": (K.IMMIGRATION, K.MANPOWER),
    "UNREPORTED_STAY": (K.IMMIGRATION, K.POLICE),
    "LATE_REPORT": (K.IMMIGRATION, K.POLICE),
    "STAY_BEYOND_PERMIT": (K.IMMIGRATION,),
    "NO_SKTT": (K.IMMIGRATION, K.CIVIL_REGISTRY),
    "VISA_RUN": (K.IMMIGRATION,),
    "ADDRESS_CLUSTER": (K.IMMIGRATION, K.POLICE),
    "WATCHLIST_HIT": (K.IMMIGRATION,),
    "DOCUMENT_CONFLICT": (K.IMMIGRATION,),
    "SPONSOR_ANOMALY": (K.IMMIGRATION, K.MANPOWER),
    "RECONCILIATION_GAP": (K.IMMIGRATION, K.MANPOWER),
}
ACK_PARAMETER = {
    Severity.HIGH: "ACK_HOURS_HIGH",
    Severity.MEDIUM: "ACK_HOURS_MEDIUM",
    Severity.LOW: "ACK_HOURS_LOW",
}


# --- Reference data -----------------------------------------------------------------------


def ensure_defaults() -> dict[str, int]:
    """Seed the parameters and routes that are missing; running it again changes nothing."""
    known = set(LegalParameter.objects.values_list("code", flat=True))
    parameters = [
        LegalParameter(
            code=d.code, value=d.value, unit=d.unit, valid_from=SINCE, legal_basis=d.legal_basis
        )
        for d in DEFAULTS
        if d.code not in known
    ]
    LegalParameter.objects.bulk_create(parameters)
    routed = set(AlertRoute.objects.values_list("rule", flat=True))
    routes = [
        AlertRoute(rule=rule, agency_kind=kind)
        for rule, kinds in DEFAULT_ROUTES.items()
        if rule not in routed
        for kind in kinds
    ]
    AlertRoute.objects.bulk_create(routes)
    return {"parameters": len(parameters), "routes": len(routes)}


def parameters_at(as_of: date) -> Parameters:
    rows = LegalParameter.objects.values_list("code", "value", "valid_from", "valid_to")
    return Parameters.of(rows, as_of)


@transaction.atomic
def set_parameter(
    code: str,
    value: Decimal,
    *,
    valid_from: date,
    legal_basis: str,
    actor: User,
    note: str = "",
) -> LegalParameter:
    """Give ``code`` a new value from ``valid_from`` on; earlier days keep the earlier value.

    The row in force that day ends the day before; a later row that already exists (a change
    announced in advance) still starts when it said, so the new value holds until then.
    """
    rows = list(LegalParameter.objects.select_for_update().filter(code=code))
    if not rows:
        raise ValidationError(_("Unknown parameter %(code)s.") % {"code": code})
    if value < 0:
        raise ValidationError(_("A parameter cannot be negative."))
    same_day = next((r for r in rows if r.valid_from == valid_from), None)
    later = min((r.valid_from for r in rows if r.valid_from > valid_from), default=None)
    valid_to = later - timedelta(days=1) if later else None
    if same_day is not None:
        old = [str(same_day.value), same_day.legal_basis]
        same_day.value, same_day.legal_basis, same_day.note = value, legal_basis, note
        same_day.changed_by = actor
        same_day.save()
        row = same_day
    else:
        earlier = [r for r in rows if r.valid_from < valid_from]
        if not earlier:
            first = min(r.valid_from for r in rows)
            raise ValidationError(
                _("A value of %(code)s cannot start before its first value, of %(day)s.")
                % {"code": code, "day": first.strftime("%d-%m-%Y")}
            )
        current = max(earlier, key=lambda r: r.valid_from)
        old = [str(current.value), current.legal_basis]
        current.valid_to = valid_from - timedelta(days=1)
        current.save(update_fields=["valid_to"])
        row = LegalParameter.objects.create(
            code=code,
            value=value,
            unit=rows[0].unit,
            valid_from=valid_from,
            valid_to=valid_to,
            legal_basis=legal_basis,
            note=note,
            changed_by=actor,
        )
    log.record(
        actor=actor,
        verb=Verb.PARAMETER_CHANGED,
        subject_type="detection.legalparameter",
        subject_code=code,
        changes={
            "value": [old[0], str(value)],
            "legal_basis": [old[1], legal_basis],
            "valid_from": valid_from.isoformat(),
        },
    )
    return row


@transaction.atomic
def set_routes(rule: str, agency_kinds: Iterable[str], *, actor: User) -> None:
    """Route ``rule``'s alerts to agencies of these kinds, the live alerts included."""
    if rule not in RULES:
        raise ValidationError(_("Unknown rule %(rule)s.") % {"rule": rule})
    kinds = sorted(set(agency_kinds))
    old = sorted(AlertRoute.objects.filter(rule=rule).values_list("agency_kind", flat=True))
    AlertRoute.objects.filter(rule=rule).exclude(agency_kind__in=kinds).delete()
    for kind in kinds:
        AlertRoute.objects.get_or_create(rule=rule, agency_kind=kind)
    agencies = list(Agency.objects.filter(kind__in=kinds).values_list("pk", flat=True))
    through = Alert.agencies.through
    live = Alert.objects.filter(rule=rule, status__in=LIVE_STATUSES)
    through.objects.filter(alert__in=live).delete()
    for chunk in _chunks(list(live.values_list("pk", flat=True))):
        through.objects.bulk_create(
            [through(alert_id=a, agency_id=g) for a in chunk for g in agencies]
        )
    log.record(
        actor=actor,
        verb=Verb.ALERT_ROUTES_CHANGED,
        subject_type="detection.rule",
        subject_code=rule,
        changes={"agency_kinds": [old, kinds]},
    )


def route_agencies() -> dict[str, list[int]]:
    """Rule code → the ids of the agencies its alerts go to."""
    by_kind: dict[str, list[int]] = {}
    for pk, kind in Agency.objects.values_list("pk", "kind"):
        by_kind.setdefault(kind, []).append(pk)
    routes: dict[str, list[int]] = {}
    for rule, kind in AlertRoute.objects.values_list("rule", "agency_kind"):
        routes.setdefault(rule, []).extend(by_kind.get(kind, []))
    return routes


# --- Persisting what a rule found -----------------------------------------------------------


@dataclass
class Outcome:
    """What one rule's evaluation did to the alerts."""

    fired: int = 0
    opened: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    ended: int = 0
    seconds: float = 0.0
    detail: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fired": self.fired,
            "opened": self.opened,
            "updated": self.updated,
            "reopened": self.reopened,
            "resolved": self.resolved,
            "ended": self.ended,
            "seconds": round(self.seconds, 3),
            **{k: round(v, 3) for k, v in self.detail.items()},
        }


def ids_subquery(ids: Iterable[int]) -> RawSQL:
    """``IN (SELECT …)`` over ids passed as one parameter: no placeholder per id, no limit on
    SQLite's number of parameters, one plan on PostgreSQL."""
    values = sorted(ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _explain(rule: Rule, draft: Draft, ctx: Context) -> tuple[str, str]:
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            texts.append(str(rule.explain(draft.facts, ctx)))
    return texts[0], texts[1]


def _ended_texts(ctx: Context) -> tuple[str, str]:
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            from timpora.detection.rules import text

            texts.append(
                gettext("The condition no longer held when the rules were evaluated as of %(day)s.")
                % {"day": text.day(ctx.as_of)}
            )
    return texts[0], texts[1]


def _subject_details(subject_type: str, ids: Iterable[int]) -> dict[int, tuple[Any, Any]]:
    """Subject id → (kecamatan id, nationality code) for the inbox filters."""
    from timpora.registry.models import Company, Person, Place

    details: dict[int, tuple[Any, Any]] = {}
    ordered = sorted(ids)
    for chunk in _chunks(ordered, 5000):
        if subject_type == SubjectType.PERSON:
            persons = Person.objects.filter(pk__in=chunk)
            for pk, kec, nat in persons.values_list("pk", "current_kecamatan_id", "nationality_id"):
                details[pk] = (kec, nat)
        else:
            model: type[Place] | type[Company] = (
                Place if subject_type == SubjectType.PLACE else Company
            )
            for pk, kec in model.objects.filter(pk__in=chunk).values_list("pk", "kecamatan_id"):
                details[pk] = (kec, None)
    return details


def persist(
    rule: Rule,
    drafts: Iterable[Draft],
    ctx: Context,
    *,
    subjects: frozenset[int] | None = None,
    routes: dict[str, list[int]] | None = None,
) -> Outcome:
    """Bring ``rule``'s alerts in line with its ``drafts`` for ``subjects`` (all when None).

    One live alert per rule and subject: a draft for a subject without one opens an alert; a
    draft for an open alert updates it in place (and clears "condition ended"); a dismissed
    alert stays dismissed while its evidence is the same, and reopens on new evidence. An
    alert without a draft has ended: a NEW one is resolved with the reason, an acknowledged or
    escalated one is marked "condition ended" for its officer to close.
    """
    import time

    started = time.perf_counter()
    outcome = Outcome()
    subject_field = SUBJECT_FIELD[SubjectType(rule.subject_type)]
    found: dict[int, Draft] = {}
    for draft in drafts:
        if subjects is None or draft.subject_id in subjects:
            found.setdefault(draft.subject_id, draft)
    outcome.fired = len(found)
    now = timezone.now()
    with transaction.atomic():
        live = Alert.objects.filter(rule=rule.code, status__in=LIVE_STATUSES)
        if subjects is not None:
            scoped = live.filter(**{f"{subject_field}_id__in": ids_subquery(subjects)})
            existing = {
                getattr(a, f"{subject_field}_id"): a for a in scoped.defer("evidence", "facts")
            }
        else:
            existing = {
                getattr(a, f"{subject_field}_id"): a for a in live.defer("evidence", "facts")
            }
        outcome.detail["read_seconds"] = time.perf_counter() - started
        refs = {ref for draft in found.values() for ref in draft.evidence}
        resolved = evidence_of.resolve(refs)
        outcome.detail["evidence_seconds"] = time.perf_counter() - started
        events: list[AlertEvent] = []
        to_create: list[Alert] = []
        to_update: list[Alert] = []
        seen_only: list[int] = []
        hours = ctx.parameters.integer(ACK_PARAMETER[Severity(rule.severity)])
        for subject_id, draft in found.items():
            items = [resolved[r] for r in draft.evidence if r in resolved]
            items.sort(key=lambda i: (i["at"] or "", i["kind"], i["key"]))
            fingerprint = evidence_of.fingerprint(items)
            alert = existing.get(subject_id)
            if alert is None:
                text_id, text_en = _explain(rule, draft, ctx)
                to_create.append(
                    Alert(
                        rule=rule.code,
                        severity=rule.severity,
                        subject_type=rule.subject_type,
                        **{f"{subject_field}_id": subject_id},
                        explanation_id=text_id,
                        explanation_en=text_en,
                        facts=draft.facts,
                        evidence=items,
                        evidence_hash=fingerprint,
                        first_detected_at=now,
                        last_detected_at=now,
                        as_of=ctx.as_of,
                        acknowledge_by=now + timedelta(hours=hours),
                    )
                )
                continue
            if alert.status == AlertStatus.DISMISSED:
                if alert.evidence_hash == fingerprint:
                    if alert.condition_ended_at is not None:  # it holds again: not ended
                        alert.condition_ended_at, alert.ended_reason = None, ""
                        to_update.append(alert)
                    continue
                alert.status = AlertStatus.NEW
                alert.acknowledge_by = now + timedelta(hours=hours)
                alert.dismissal_reason = ""
                alert.closed_at = None
                alert.condition_ended_at = None
                alert.ended_reason = ""
                # NEW again: nobody handles it until an officer acknowledges it anew.
                alert.handled_by, alert.acknowledged_at = None, None
                events.append(AlertEvent(alert=alert, kind=EventKind.REOPENED, at=now))
                outcome.reopened += 1
            elif alert.condition_ended_at is not None:
                alert.condition_ended_at = None
                alert.ended_reason = ""
                events.append(AlertEvent(alert=alert, kind=EventKind.CONDITION_BACK, at=now))
            elif alert.evidence_hash == fingerprint and alert.as_of == ctx.as_of:
                seen_only.append(alert.pk)
                continue
            elif alert.evidence_hash != fingerprint:
                events.append(AlertEvent(alert=alert, kind=EventKind.UPDATED, at=now))
            text_id, text_en = _explain(rule, draft, ctx)
            alert.explanation_id, alert.explanation_en = text_id, text_en
            alert.facts, alert.evidence, alert.evidence_hash = draft.facts, items, fingerprint
            alert.last_detected_at, alert.as_of = now, ctx.as_of
            to_update.append(alert)
        outcome.updated = len(to_update) - outcome.reopened
        outcome.detail["compare_seconds"] = time.perf_counter() - started

        ended_id, ended_en = _ended_texts(ctx)
        for subject_id, alert in existing.items():
            if subject_id in found:
                continue
            if alert.status == AlertStatus.NEW:
                alert.status = AlertStatus.RESOLVED
                alert.closed_at = now
                alert.condition_ended_at = now
                alert.ended_reason = ended_id
                events.append(
                    AlertEvent(alert=alert, kind=EventKind.RESOLVED, at=now, note=ended_en)
                )
                outcome.resolved += 1
            elif alert.condition_ended_at is None:
                alert.condition_ended_at = now
                alert.ended_reason = ended_id
                if alert.status != AlertStatus.DISMISSED:
                    events.append(
                        AlertEvent(
                            alert=alert, kind=EventKind.CONDITION_ENDED, at=now, note=ended_en
                        )
                    )
                    outcome.ended += 1
            else:
                continue
            to_update.append(alert)

        fields = [
            "status",
            "acknowledge_by",
            "dismissal_reason",
            "closed_at",
            "condition_ended_at",
            "ended_reason",
            "handled_by",
            "acknowledged_at",
            "explanation_id",
            "explanation_en",
            "facts",
            "evidence",
            "evidence_hash",
            "last_detected_at",
            "as_of",
            "updated_at",
        ]
        for alert in to_update:
            alert.updated_at = now
        Alert.objects.bulk_update(to_update, fields, batch_size=500)
        for chunk in _chunks(seen_only, 5000):
            Alert.objects.filter(pk__in=chunk).update(last_detected_at=now)
        outcome.detail["update_seconds"] = time.perf_counter() - started

        if to_create:
            details = _subject_details(rule.subject_type, (a.subject_id for a in to_create))
            for alert in to_create:
                alert.kecamatan_id, alert.nationality_id = details.get(
                    alert.subject_id, (None, None)
                )
            created = Alert.objects.bulk_create(to_create, batch_size=1000)
            if not all(a.pk for a in created):  # SQLite before 3.35 returns no ids
                raise RuntimeError("the database did not return the new alerts' ids")
            events += [AlertEvent(alert=a, kind=EventKind.OPENED, at=now) for a in created]
            agencies = (routes if routes is not None else route_agencies()).get(rule.code, [])
            through = Alert.agencies.through
            for chunk in _chunks(created, 2000):
                through.objects.bulk_create(
                    [through(alert_id=a.pk, agency_id=g) for a in chunk for g in agencies]
                )
            outcome.opened = len(created)
        AlertEvent.objects.bulk_create(events, batch_size=2000)
    outcome.seconds = time.perf_counter() - started
    return outcome


# --- An officer's work on an alert ----------------------------------------------------------


class NotAllowed(ValidationError):  # noqa: N818 - a refusal, shown to the officer
    """The alert is not in a state, or the user not in a role, for this step."""


def _may_act(alert: Alert, actor: User) -> None:
    if actor.role == Role.AUDITOR:
        raise NotAllowed(_("Auditors read alerts; they do not work on them."))
    if not Alert.objects.visible_to(actor).filter(pk=alert.pk).exists():
        raise NotAllowed(_("This alert is not routed to your agency."))


def _step(
    alert: Alert,
    actor: User,
    *,
    to: AlertStatus,
    allowed: Sequence[str],
    event: EventKind,
    verb: Verb,
    note: str = "",
    **changes: Any,
) -> Alert:
    _may_act(alert, actor)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status not in allowed:
        raise NotAllowed(
            _("An alert that is %(status)s cannot be %(step)s.")
            % {"status": alert.get_status_display(), "step": AlertStatus(to).label.lower()}
        )
    old = alert.status
    now = timezone.now()
    alert.status = to
    alert.handled_by = actor
    if to == AlertStatus.ACKNOWLEDGED or (alert.acknowledged_at is None and to != old):
        alert.acknowledged_at = alert.acknowledged_at or now
    if to in (AlertStatus.DISMISSED, AlertStatus.RESOLVED):
        alert.closed_at = now
    if note:
        alert.note = note
    for name, value in changes.items():
        setattr(alert, name, value)
    alert.save()
    AlertEvent.objects.create(alert=alert, kind=event, at=now, actor=actor, note=note)
    log.record(
        actor=actor,
        verb=verb,
        subject=alert,
        changes={"status": [old, to], **{k: str(v) for k, v in changes.items()}},
    )
    return alert


@transaction.atomic
def acknowledge(alert: Alert, *, actor: User, note: str = "") -> Alert:
    return _step(
        alert,
        actor,
        to=AlertStatus.ACKNOWLEDGED,
        allowed=[AlertStatus.NEW],
        event=EventKind.ACKNOWLEDGED,
        verb=Verb.ALERT_ACKNOWLEDGED,
        note=note,
    )


@transaction.atomic
def acknowledge_many(alerts: QuerySet[Alert], *, actor: User) -> int:
    """Acknowledge every NEW alert of ``alerts`` that the actor may work on."""
    if actor.role == Role.AUDITOR:
        raise NotAllowed(_("Auditors read alerts; they do not work on them."))
    targets = list(
        Alert.objects.visible_to(actor)
        .filter(pk__in=alerts.values("pk"), status=AlertStatus.NEW)
        .select_for_update()
    )
    now = timezone.now()
    for alert in targets:
        alert.status, alert.handled_by, alert.acknowledged_at = AlertStatus.ACKNOWLEDGED, actor, now
        alert.updated_at = now
    Alert.objects.bulk_update(targets, ["status", "handled_by", "acknowledged_at", "updated_at"])
    AlertEvent.objects.bulk_create(
        [AlertEvent(alert=a, kind=EventKind.ACKNOWLEDGED, at=now, actor=actor) for a in targets]
    )
    if targets:
        log.record(
            actor=actor,
            verb=Verb.ALERT_ACKNOWLEDGED,
            subject_type="detection.alert",
            changes={"alerts": [str(a.code) for a in targets]},
        )
    return len(targets)


@transaction.atomic
def dismiss(alert: Alert, *, actor: User, reason: str, note: str = "") -> Alert:
    if reason not in DismissalReason.values:
        raise ValidationError(_("Choose why the alert is dismissed."))
    if reason == DismissalReason.OTHER and not note.strip():
        raise ValidationError(_("Say why the alert is dismissed."))
    return _step(
        alert,
        actor,
        to=AlertStatus.DISMISSED,
        allowed=OPEN_STATUSES,
        event=EventKind.DISMISSED,
        verb=Verb.ALERT_DISMISSED,
        note=note,
        dismissal_reason=reason,
    )


@transaction.atomic
def escalate(alert: Alert, *, actor: User, note: str = "") -> Alert:
    return _step(
        alert,
        actor,
        to=AlertStatus.ESCALATED,
        allowed=[AlertStatus.NEW, AlertStatus.ACKNOWLEDGED],
        event=EventKind.ESCALATED,
        verb=Verb.ALERT_ESCALATED,
        note=note,
    )


@transaction.atomic
def resolve(alert: Alert, *, actor: User, note: str = "") -> Alert:
    """An officer closes an alert: handled, or its condition ended."""
    return _step(
        alert,
        actor,
        to=AlertStatus.RESOLVED,
        allowed=OPEN_STATUSES,
        event=EventKind.RESOLVED,
        verb=Verb.ALERT_RESOLVED,
        note=note,
    )


def dismissals_per_rule() -> dict[str, dict[str, int]]:
    """Rule → {reason: count} of dismissed alerts, and the rule's decided alerts by outcome,
    so that coordinators see each rule's precision in practice."""
    from django.db.models import Count

    counts: dict[str, dict[str, int]] = {}
    rows = (
        Alert.objects.filter(
            Q(status=AlertStatus.DISMISSED)
            | Q(status=AlertStatus.ESCALATED)
            | Q(status=AlertStatus.RESOLVED, handled_by__isnull=False)
        )
        .values("rule", "status", "dismissal_reason")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = row["dismissal_reason"] or row["status"]
        counts.setdefault(row["rule"], {})[key] = row["n"]
    return counts


@transaction.atomic
def resolve_for_case(alerts: Iterable[Alert], *, actor: User, note: str) -> int:
    """Resolve the open alerts of ``alerts`` because the case behind them closed.

    The case is the authority: its owning agency may close it after a transfer, when the alerts
    are no longer routed to it, so the routing check of an officer's step does not apply. Each
    alert gets its RESOLVED event and audit event, as in :func:`resolve`.
    """
    pks = [alert.pk for alert in alerts]
    targets = list(
        Alert.objects.select_for_update()
        .filter(pk__in=pks, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    now = timezone.now()
    for alert in targets:
        old = alert.status
        alert.status = AlertStatus.RESOLVED
        alert.handled_by = actor
        alert.acknowledged_at = alert.acknowledged_at or now
        alert.closed_at = now
        if note:
            alert.note = note
        alert.save()
        AlertEvent.objects.create(
            alert=alert, kind=EventKind.RESOLVED, at=now, actor=actor, note=note
        )
        log.record(
            actor=actor,
            verb=Verb.ALERT_RESOLVED,
            subject=alert,
            changes={"status": [old, AlertStatus.RESOLVED], "note": note},
        )
    return len(targets)
