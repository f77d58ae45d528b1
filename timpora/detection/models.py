"""Dated legal parameters, alert routes, alerts with their evidence and history, detection runs."""

from __future__ import annotations

import builtins
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import AgencyKind, DataCategory, Role
from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet
from timpora.detection.choices import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    AlertStatus,
    DismissalReason,
    EventKind,
    RunKind,
    Severity,
    SubjectType,
    Unit,
)

# Users of these roles see every alert their agency's access profile lets it see, whichever
# agency it was routed to: the team's coordinators, and auditors who check the work.
ALL_ALERTS_ROLES = (Role.COORDINATOR, Role.AUDITOR)


class LegalParameter(models.Model):
    """One value of a rule's parameter and the days it holds, with its legal basis."""

    code = models.CharField(_("parameter"), max_length=40, db_index=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="parameter_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.value} ({self.valid_from:%Y-%m-%d})"


class AlertRoute(models.Model):
    """A rule's alerts go to every agency of this kind (editable by a coordinator)."""

    rule = models.CharField(_("rule"), max_length=24)
    agency_kind = models.CharField(_("agency kind"), max_length=20, choices=AgencyKind.choices)

    class Meta:
        verbose_name = _("alert route")
        verbose_name_plural = _("alert routes")
        ordering = ["rule", "agency_kind"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "agency_kind"], name="alert_route_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.agency_kind}"


class AlertQuerySet(ScopedQuerySet["Alert"]):
    def visible_to(self, user: Any) -> AlertQuerySet:
        """Alerts routed to the user's agency, when its access profile includes alerts.

        Coordinators and auditors of such an agency see every alert.
        """
        if not can_see_records(user, DataCategory.ALERTS):
            return self.none()
        if user.role in ALL_ALERTS_ROLES:
            return self.all()
        return self.filter(agencies=user.agency_id)

    def open(self) -> AlertQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: Any = None) -> AlertQuerySet:
        return self.filter(status=AlertStatus.NEW, acknowledge_by__lt=now or timezone.now())


def _subject_constraint(field: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["rule", field],
        condition=Q(status__in=LIVE_STATUSES),
        name=f"alert_live_once_per_{field}",
    )


class Alert(TimporaModel):
    """A lead raised by a rule about one person, place or company, with its evidence.

    Alerts are derived from the facts: deleting their subject deletes them (the audit log keeps
    what officers did with them).

    There is one live alert per rule and subject; evaluating again updates it in place. The
    explanation is kept in both languages as written when the rule last fired.
    """

    rule = models.CharField(_("rule"), max_length=24, db_index=True)
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices)
    subject_type = models.CharField(_("subject"), max_length=8, choices=SubjectType.choices)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    place = models.ForeignKey(
        "registry.Place",
        verbose_name=_("place"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    company = models.ForeignKey(
        "registry.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.NEW
    )
    explanation_id = models.TextField(_("explanation (Bahasa Indonesia)"))
    explanation_en = models.TextField(_("explanation (English)"))
    facts = models.JSONField(_("figures"), default=dict)
    evidence = models.JSONField(_("evidence"), default=builtins.list)
    evidence_hash = models.CharField(max_length=64)
    first_detected_at = models.DateTimeField(_("first detected"))
    last_detected_at = models.DateTimeField(_("last detected"))
    as_of = models.DateField(_("as of"))
    acknowledge_by = models.DateTimeField(_("acknowledge by"))
    agencies = models.ManyToManyField(
        "accounts.Agency", verbose_name=_("routed to"), related_name="alerts", blank=True
    )
    # Denormalised from the subject for the inbox filters.
    kecamatan = models.ForeignKey(
        "registry.Kecamatan",
        verbose_name=_("kecamatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nationality = models.ForeignKey(
        "registry.Country",
        verbose_name=_("nationality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    condition_ended_at = models.DateTimeField(_("condition ended"), null=True, blank=True)
    ended_reason = models.TextField(_("why the condition ended"), blank=True)
    dismissal_reason = models.CharField(
        _("dismissal reason"), max_length=16, choices=DismissalReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-first_detected_at", "-pk"]
        constraints = [
            _subject_constraint("person"),
            _subject_constraint("place"),
            _subject_constraint("company"),
            models.CheckConstraint(
                condition=(
                    Q(
                        subject_type="PERSON",
                        person__isnull=False,
                        place__isnull=True,
                        company__isnull=True,
                    )
                    | Q(
                        subject_type="PLACE",
                        place__isnull=False,
                        person__isnull=True,
                        company__isnull=True,
                    )
                    | Q(
                        subject_type="COMPANY",
                        company__isnull=False,
                        person__isnull=True,
                        place__isnull=True,
                    )
                ),
                name="alert_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "rule"], name="alert_status_rule"),
            models.Index(fields=["status", "acknowledge_by"], name="alert_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_type}"

    def audit_label(self) -> str:
        return self.rule

    @property
    def subject(self) -> Any:
        return self.person or self.place or self.company

    @property
    def subject_id(self) -> int:
        return int(self.person_id or self.place_id or self.company_id or 0)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status == AlertStatus.NEW and self.acknowledge_by < timezone.now()

    def explanation(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = (language or get_language() or "id")[:2]
        return self.explanation_en if language == "en" else self.explanation_id


class AlertEvent(models.Model):
    """One step in an alert's life: detected, updated, acknowledged, dismissed, resolved…"""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        ordering = ["alert", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class DetectionRun(models.Model):
    """One evaluation of the rules: when, as of which date, over what, with counts per rule."""

    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices)
    as_of = models.DateField(_("as of"))
    rules = models.JSONField(_("rules"), default=builtins.list)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    subjects = models.PositiveIntegerField(_("subjects in scope"), null=True, blank=True)
    counts = models.JSONField(_("counts per rule"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("detection run")
        verbose_name_plural = _("detection runs")
        ordering = ["-started_at"]
        constraints = [
            # The nightly sweep of a day is claimed once, however many workers run.
            models.UniqueConstraint(
                fields=["as_of"], condition=Q(kind="NIGHTLY"), name="detection_one_nightly_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.as_of:%Y-%m-%d}"
