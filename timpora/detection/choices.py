"""Choices of the detection app (stable string values: they appear in exports and the API)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HIGH = "HIGH", _("High")
    MEDIUM = "MEDIUM", _("Medium")
    LOW = "LOW", _("Low")


class SubjectType(models.TextChoices):
    PERSON = "PERSON", _("Person")
    PLACE = "PLACE", _("Place")
    COMPANY = "COMPANY", _("Company")


class AlertStatus(models.TextChoices):
    NEW = "NEW", _("New")
    ACKNOWLEDGED = "ACKNOWLEDGED", _("Acknowledged")
    ESCALATED = "ESCALATED", _("Escalated")
    DISMISSED = "DISMISSED", _("Dismissed")
    RESOLVED = "RESOLVED", _("Resolved")


# An alert in one of these states is the one alert of its rule and subject: evaluating again
# updates it (or, when dismissed, leaves it alone while the evidence is the same).
LIVE_STATUSES = (
    AlertStatus.NEW,
    AlertStatus.ACKNOWLEDGED,
    AlertStatus.ESCALATED,
    AlertStatus.DISMISSED,
)
# Open: waiting for, or under, an officer's work; these count towards a person's risk.
OPEN_STATUSES = (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.ESCALATED)


class DismissalReason(models.TextChoices):
    NOT_A_VIOLATION = "NOT_A_VIOLATION", _("Checked: no violation")
    DATA_ERROR = "DATA_ERROR", _("Wrong or missing data in a source record")
    WRONG_PERSON = "WRONG_PERSON", _("Records of different persons joined")
    ALREADY_HANDLED = "ALREADY_HANDLED", _("Already handled elsewhere")
    OTHER = "OTHER", _("Other reason")


class EventKind(models.TextChoices):
    OPENED = "OPENED", _("Detected")
    UPDATED = "UPDATED", _("Evidence updated")
    ACKNOWLEDGED = "ACKNOWLEDGED", _("Acknowledged")
    ESCALATED = "ESCALATED", _("Escalated")
    DISMISSED = "DISMISSED", _("Dismissed")
    REOPENED = "REOPENED", _("Reopened on new evidence")
    CONDITION_ENDED = "CONDITION_ENDED", _("Condition ended")
    CONDITION_BACK = "CONDITION_BACK", _("Condition holds again")
    RESOLVED = "RESOLVED", _("Resolved")


class Unit(models.TextChoices):
    RUPIAH = "IDR", _("rupiah")
    DAYS = "DAYS", _("days")
    HOURS = "HOURS", _("hours")
    COUNT = "COUNT", _("count")
    PERCENT = "PERCENT", _("per cent")
    WEIGHT = "WEIGHT", _("weight (0 to 1)")


class RunKind(models.TextChoices):
    FULL = "FULL", _("Full sweep")
    INCREMENTAL = "INCREMENTAL", _("After an import")
    NIGHTLY = "NIGHTLY", _("Nightly sweep")
