"""Abstract base models shared by every app. No domain models live here."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimporaModel(models.Model):
    """A row with a public, unguessable ``code`` for URLs and the API, and its timestamps.

    The integer primary key never leaves the database: URLs, API payloads and audit events name
    a row by its ``code``.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """Hits in one time window for one rate-limit key (see ``core.ratelimit``)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
