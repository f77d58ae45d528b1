"""Import batches, the raw rows they received, who may send which kind, and column mappings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet
from timpora.exchange.choices import BatchStatus, Channel, RowStatus
from timpora.registry.choices import FactKind


class BatchQuerySet(ScopedQuerySet["ImportBatch"]):
    def visible_to(self, user: Any) -> BatchQuerySet:
        """A batch is seen by its own agency's users, and by coordinators and auditors."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_coordinator or user.is_auditor:
            return self.all()
        return self.filter(source_id=user.agency_id)


class ImportBatch(TimporaModel):
    """One file (or API body) of one kind from one agency, and what became of its rows."""

    kind = models.CharField(_("kind"), max_length=32, choices=FactKind.choices)
    source = models.ForeignKey(
        "accounts.Agency", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    sha256 = models.CharField(_("file checksum (SHA-256)"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    stored_file = models.CharField(
        _("stored file"),
        max_length=500,
        blank=True,
        help_text=_("Where an uploaded file waits for the worker; removed when it is done."),
    )
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    refusal = models.TextField(_("reason for refusal"), blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    columns = models.JSONField(_("columns of the file"), default=list, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    staged_through = models.PositiveIntegerField(
        _("rows done up to line"), default=0, help_text=_("Where a resumed import continues.")
    )
    created = models.PositiveIntegerField(_("accepted as new"), default=0)
    updated = models.PositiveIntegerField(_("accepted as updates"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    superseded = models.PositiveIntegerField(_("superseded in the file"), default=0)
    persons_created = models.PositiveIntegerField(_("new persons"), default=0)
    conflicts = models.PositiveIntegerField(_("identity conflicts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "kind", "sha256"], name="batch_resume")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected + self.superseded

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.COMPLETED, BatchStatus.REFUSED)


class RawRecord(models.Model):
    """A row exactly as received, kept before it is parsed; rejected rows keep their reasons.

    Written in bulk with plain SQL (``core.bulk.insert_rows``), so it has no ``code`` or timestamps
    of its own: the batch carries them.
    """

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField(_("line"))
    values = models.TextField(_("values as received (JSON)"))
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    key = models.CharField(_("record key"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=RowStatus.choices, default=RowStatus.PENDING
    )
    errors = models.TextField(_("reasons (JSON)"), blank=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The person the row was linked to (kept as a number: persons may merge)."),
    )

    class Meta:
        verbose_name = _("raw record")
        verbose_name_plural = _("raw records")
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="raw_record_line"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"


class SendPermission(models.Model):
    """An agency may send records of this kind (and, for watch lists, of these lists only)."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="send_permissions",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=FactKind.choices)
    allowed = models.BooleanField(_("may send"), default=True)
    lists = models.JSONField(
        _("watch lists"),
        default=list,
        blank=True,
        help_text=_("For watch-list entries: the lists the agency may send; empty means all."),
    )

    class Meta:
        verbose_name = _("send permission")
        verbose_name_plural = _("send permissions")
        ordering = ["agency", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="send_permission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind}"


class ProfileQuerySet(ScopedQuerySet["ColumnProfile"]):
    def visible_to(self, user: Any) -> ProfileQuerySet:
        if not getattr(user, "is_authenticated", False) or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class ColumnProfile(TimporaModel):
    """A named mapping from a file's own column names to the exchange fields, per agency."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="column_profiles",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=FactKind.choices)
    name = models.CharField(_("name"), max_length=100)
    mapping = models.JSONField(_("column mapping"), default=dict)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("column profile")
        verbose_name_plural = _("column profiles")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "name"], name="column_profile_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name
