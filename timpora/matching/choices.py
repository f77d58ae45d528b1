"""Choices of the matching app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewKind(models.TextChoices):
    SAME = "SAME", _("Possibly the same person")
    HIT = "HIT", _("Watch-list hit")


class ReviewOrigin(models.TextChoices):
    LINKING = "LINKING", _("Linking at import")
    RESOLVE = "RESOLVE", _("Batch resolution")
    SCREENING = "SCREENING", _("Screening")
    CONFLICT = "CONFLICT", _("Document conflict")


class ReviewStatus(models.TextChoices):
    OPEN = "OPEN", _("Open")
    DECIDED = "DECIDED", _("Decided")
    CLOSED = "CLOSED", _("Closed without decision")


class Decision(models.TextChoices):
    SAME = "SAME", _("Same person")
    DIFFERENT = "DIFFERENT", _("Different persons")
    UNSURE = "UNSURE", _("Unsure")
