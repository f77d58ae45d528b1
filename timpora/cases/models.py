"""Cases, their tasks, notes, attachments and timeline; referrals between agencies;
administrative actions (TAK) with their deadlines; the documents issued for them."""

from __future__ import annotations

import os
import uuid
from typing import Any, Self, TypeVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory, Role
from timpora.cases.choices import (
    REFERRAL_SHARING,
    ActionKind,
    ActionStatus,
    AttachmentKind,
    CaseOrigin,
    CaseStatus,
    CaseType,
    DeadlineKind,
    DocumentKind,
    EventKind,
    Outcome,
    Priority,
    ReferralScope,
    ReferralStatus,
)
from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet

M = TypeVar("M", bound=models.Model)

# Users of these roles see every case, when their agency's profile includes cases: the team's
# coordinators, and auditors who check the work. Nobody else sees a case that neither their
# agency owns nor a referral shares with it.
ALL_CASES_ROLES = (Role.COORDINATOR, Role.AUDITOR)


class PrivateStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT``, read at each use: never under a public URL, served
    only by views that check who may see the case."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> PrivateStorage:
    return PrivateStorage()


class Series(models.Model):
    """A per-agency, per-year numbering series (cases, and each kind of document)."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("numbering series")
        verbose_name_plural = _("numbering series")
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year"], name="series_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.year}: {self.last}"


class CaseQuerySet(ScopedQuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """Cases the user's agency owns, or that a live referral shares with it (either way).

        Coordinators and auditors of an agency whose profile includes cases see every case.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.agency_id:
            return self.none()
        if user.role in ALL_CASES_ROLES and can_see_records(user, DataCategory.CASES):
            return self.all()
        shared = Referral.objects.filter(status__in=REFERRAL_SHARING).filter(
            Q(to_agency_id=user.agency_id) | Q(from_agency_id=user.agency_id)
        )
        return self.filter(Q(owning_agency_id=user.agency_id) | Q(pk__in=shared.values("case_id")))

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(TimporaModel):
    """One matter an agency works on: subjects, the alerts behind it, tasks, referrals, actions.

    The times that matter for evaluation are kept on the row: the first alert behind the case,
    when it was opened (``created_at``), the first approved decision and the first execution.
    """

    number = models.CharField(_("number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    case_type = models.CharField(_("type"), max_length=24, choices=CaseType.choices)
    origin = models.CharField(_("opened from"), max_length=8, choices=CaseOrigin.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    summary = models.TextField(_("summary"), blank=True)
    owning_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("owning agency"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    persons = models.ManyToManyField(
        "registry.Person", verbose_name=_("persons"), related_name="cases", blank=True
    )
    companies = models.ManyToManyField(
        "registry.Company", verbose_name=_("companies"), related_name="cases", blank=True
    )
    places = models.ManyToManyField(
        "registry.Place", verbose_name=_("places"), related_name="cases", blank=True
    )
    alerts = models.ManyToManyField(
        "detection.Alert", verbose_name=_("alerts"), related_name="cases", blank=True
    )
    review_item = models.ForeignKey(
        "matching.ReviewItem",
        verbose_name=_("review item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The times that matter (first alert → case → decision → execution).
    first_alert_at = models.DateTimeField(_("first alert"), null=True, blank=True)
    decided_at = models.DateTimeField(_("first decision"), null=True, blank=True)
    executed_at = models.DateTimeField(_("first execution"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owning_agency", "status"], name="case_agency_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def audit_label(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def durations(self) -> dict[str, Any]:
        """Alert → case, case → decision, decision → execution (``None`` until it happened)."""
        opened = self.created_at
        return {
            "alert_to_case": opened - self.first_alert_at if self.first_alert_at else None,
            "case_to_decision": self.decided_at - opened if self.decided_at else None,
            "decision_to_execution": (
                self.executed_at - self.decided_at if self.executed_at and self.decided_at else None
            ),
            "alert_to_execution": (
                self.executed_at - (self.first_alert_at or opened) if self.executed_at else None
            ),
        }


class CaseEvent(models.Model):
    """One line of a case's timeline: everything that happened to it, notes included."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class Attachment(TimporaModel):
    """A document or photo kept with a case, in private storage, checked for type and size."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=8, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="cases/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "created_at"]
        constraints = [
            # The same file twice on one case is a duplicate submission.
            models.UniqueConstraint(fields=["case", "sha256"], name="attachment_once_per_case"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.name


class Task(TimporaModel):
    """A piece of work within a case, for an officer or an agency, by a day."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    template = models.CharField(_("from template"), max_length=40, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["case", "done_at", "due_on", "position", "pk"]
        indexes = [
            # "My work" reads the open tasks only; they are few beside the done ones.
            models.Index(
                fields=["case"], condition=Q(done_at__isnull=True), name="task_open_by_case"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return self.title[:200]

    @property
    def is_overdue(self) -> bool:
        return (
            self.done_at is None and self.due_on is not None and self.due_on < timezone.localdate()
        )


class CasePartQuerySet(ScopedQuerySet[M]):
    """Rows that belong to a case (referrals, actions, documents): seen with their case."""

    def visible_to(self, user: Any) -> Self:
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class ReferralQuerySet(CasePartQuerySet["Referral"]):
    def inbox(self, agency_id: int) -> ReferralQuerySet:
        return self.filter(to_agency_id=agency_id)

    def outbox(self, agency_id: int) -> ReferralQuerySet:
        return self.filter(from_agency_id=agency_id)


class Referral(TimporaModel):
    """A case, or a request within it, sent by one agency to another with its legal basis.

    While it is sent, accepted or answered, the receiving agency sees the case — that case and
    nothing more. A referral that transfers the case makes the receiver its owner on acceptance.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    scope = models.CharField(
        _("what is sent"), max_length=8, choices=ReferralScope.choices, default=ReferralScope.CASE
    )
    from_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.TextField(_("request"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    transfer = models.BooleanField(
        _("transfer ownership"),
        default=False,
        help_text=_("On acceptance, the receiving agency becomes the owner of the case."),
    )
    respond_by = models.DateField(_("respond by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("outcome reported"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["to_agency", "status"], name="referral_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.from_agency_id} → {self.to_agency_id}"

    def audit_label(self) -> str:
        return f"{self.case.number} → {self.to_agency.code}"


class ActionQuerySet(CasePartQuerySet["AdministrativeAction"]):
    pass


class AdministrativeAction(TimporaModel):
    """A Tindakan Administratif Keimigrasian (or detention, or hand-over pro justitia) against
    one person, with the data its kind needs in ``details`` (validated by ``cases.measures``).

    PROPOSED → APPROVED by a supervisor who is not the proposer → EXECUTED or CANCELLED.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PROPOSED
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    grounds = models.TextField(_("grounds"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)
    urgent = models.BooleanField(
        _("urgent field action"),
        default=False,
        help_text=_("Taken in the field without a written order, which must follow within a day."),
    )
    permit = models.ForeignKey(
        "registry.StayPermit",
        verbose_name=_("stay permit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    extends = models.ForeignKey(
        "self",
        verbose_name=_("extends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
    )
    # Figures kept as columns for the dashboards (also in ``details``).
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (Rp)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    watchlist_entry = models.ForeignKey(
        "matching.WatchlistEntry",
        verbose_name=_("watch-list entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)
    execution_note = models.TextField(_("execution note"), blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative action")
        verbose_name_plural = _("administrative actions")
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="APPROVED") | Q(approved_by__isnull=False),
                name="action_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="action_not_approved_by_proposer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    def audit_label(self) -> str:
        return f"{self.case.number} {self.kind}"


class Deadline(models.Model):
    """A time limit the law or the team sets on a case or an action, and when it was met."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    action = models.ForeignKey(
        AdministrativeAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    kind = models.CharField(_("deadline"), max_length=16, choices=DeadlineKind.choices)
    due_at = models.DateTimeField(_("due"))
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["met_at", "due_at"], name="deadline_open_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_overdue(self) -> bool:
        return self.met_at is None and self.due_at < timezone.now()


class DocumentQuerySet(CasePartQuerySet["IssuedDocument"]):
    pass


class IssuedDocument(TimporaModel):
    """A PDF issued for a case or an action, numbered in its agency's yearly series.

    Its QR code carries a signed token of ``code``; the public verification page shows only the
    number, kind, date and issuing agency.
    """

    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=60, unique=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    action = models.ForeignKey(
        AdministrativeAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    issued_on = models.DateField(_("date"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(_("content"), default=dict)
    file = models.FileField(_("file"), storage=private_storage, upload_to="documents/%Y/")
    sha256 = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "year", "sequence"], name="document_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_label(self) -> str:
        return self.number
