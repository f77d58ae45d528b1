"""Watch lists, the blocking index, the review queue, remembered decisions and merges."""

from __future__ import annotations

import builtins
import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet
from timpora.matching.choices import Decision, ReviewKind, ReviewOrigin, ReviewStatus
from timpora.registry.choices import Sex, WatchList


class WatchlistEntry(TimporaModel):
    """One entry of a watch list, as sent by an agency in the ``watchlist-entry`` kind.

    A watch list is not evidence: a hit is a lead for an officer to review. Its key is the
    sending agency + ``list`` + ``entry_id``; a changed entry keeps its earlier values as a
    :class:`~timpora.registry.models.FactRevision`.
    """

    source = models.ForeignKey(
        "accounts.Agency", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    source_key = models.CharField(_("record key"), max_length=200)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    list = models.CharField(_("list"), max_length=12, choices=WatchList.choices, db_index=True)
    entry_id = models.CharField(_("entry id"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=200)
    aliases = models.JSONField(_("aliases"), default=builtins.list, blank=True)
    name_original = models.CharField(_("name in native script"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    date_of_birth = models.CharField(_("date of birth"), max_length=10, blank=True)
    nationalities = models.JSONField(_("nationalities"), default=builtins.list, blank=True)
    passport_numbers = models.JSONField(_("passport numbers"), default=builtins.list, blank=True)
    reason = models.TextField(_("reason for listing"))
    action_on_hit = models.TextField(_("action on a hit"))
    owning_agency = models.CharField(_("owning agency"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    forms = models.JSONField(
        _("comparable name forms"),
        default=builtins.list,
        blank=True,
        help_text=_(
            "Every name and alias normalised for matching (kept so screening need not redo it)."
        ),
    )

    class Meta:
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch-list entries")
        ordering = ["list", "entry_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"], name="watchlist_entry_source_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list} {self.entry_id}"


class WatchlistQuerySet(ScopedQuerySet["Watchlist"]):
    def visible_to(self, user: Any) -> WatchlistQuerySet:
        if not getattr(user, "is_authenticated", False) or user.agency_id is None:
            return self.none()
        return self.all()


class Watchlist(TimporaModel):
    """One watch list: who owns it, what it is for and how long it is in force.

    Its entries (:class:`WatchlistEntry`) name it by ``list``; an entry is screened only while
    both the list and the entry are in force.
    """

    list = models.CharField(_("list"), max_length=12, choices=WatchList.choices, unique=True)
    owning_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("owning agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agency that handles hits on this list."),
    )
    description = models.TextField(_("description"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    changed_at = models.DateTimeField(
        _("entries last changed"),
        null=True,
        blank=True,
        help_text=_("When an entry was last added, changed or withdrawn; re-screening follows."),
    )

    objects = WatchlistQuerySet.as_manager()

    class Meta:
        verbose_name = _("watch list")
        verbose_name_plural = _("watch lists")
        ordering = ["list"]

    def __str__(self) -> str:
        return self.get_list_display()

    def in_force(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


class PersonKey(models.Model):
    """One blocking key of a person's names (``matching.normalise.blocking_keys``).

    Candidates for a new record, or for a screening query, are the persons (entries) that share
    the most keys with it; only those are scored.
    """

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("person blocking key")
        verbose_name_plural = _("person blocking keys")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "person"], name="person_key_unique"),
        ]
        indexes = [models.Index(fields=["person"], name="person_key_person")]

    def __str__(self) -> str:
        return str(self.key)


class PersonForms(models.Model):
    """A person's names normalised for matching, kept so that scoring need not redo it."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    forms = models.JSONField(default=builtins.list)
    names = models.JSONField(default=builtins.list, help_text=_("The names the forms came from."))
    birth_year = models.CharField(max_length=4, blank=True)
    screened_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When these names were last screened at import.")
    )

    class Meta:
        verbose_name = _("person name forms")
        verbose_name_plural = _("person name forms")

    def __str__(self) -> str:
        return str(self.person_id)


class EntryKey(models.Model):
    """One blocking key of a watch-list entry's names and aliases."""

    entry = models.ForeignKey(
        WatchlistEntry, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("watch-list blocking key")
        verbose_name_plural = _("watch-list blocking keys")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["key", "entry"], name="entry_key_unique"),
        ]
        indexes = [models.Index(fields=["entry"], name="entry_key_entry")]

    def __str__(self) -> str:
        return str(self.key)


class ReviewQuerySet(ScopedQuerySet["ReviewItem"]):
    def visible_to(self, user: Any) -> ReviewQuerySet:
        """An item is seen by the agency responsible for it, and by coordinators and auditors."""
        if not getattr(user, "is_authenticated", False) or user.agency_id is None:
            return self.none()
        if user.is_coordinator or user.is_auditor:
            return self.all()
        return self.filter(agency_id=user.agency_id)


class ReviewItem(TimporaModel):
    """A lead for an officer: two records that may be one person, or a person on a watch list.

    Nothing is merged or acted on until an officer decides; the score and its reasons say why the
    item was raised.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind.choices)
    origin = models.CharField(_("raised by"), max_length=12, choices=ReviewOrigin.choices)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="review_items",
    )
    other_person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("possibly the same as"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    entry = models.ForeignKey(
        WatchlistEntry,
        verbose_name=_("watch-list entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_items",
    )
    entry_revision = models.PositiveIntegerField(_("entry revision"), null=True, blank=True)
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=builtins.list)
    algorithm = models.CharField(_("algorithm"), max_length=40)
    status = models.CharField(
        _("status"), max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    decision = models.CharField(_("decision"), max_length=9, choices=Decision.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["status", "-score", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "other_person"],
                condition=models.Q(status="OPEN", kind="SAME"),
                name="review_open_pair_once",
            ),
            models.UniqueConstraint(
                fields=["person", "entry"],
                condition=models.Q(status="OPEN", kind="HIT"),
                name="review_open_hit_once",
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="review_agency_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.score:.2f}"


class PairDecision(models.Model):
    """What officers decided about a pair, remembered so that it is not proposed again.

    A pair of persons is stored with the lower id first; a hit with the entry and its revision
    (a changed entry may be proposed again).
    """

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    other_person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    entry = models.ForeignKey(
        WatchlistEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    entry_revision = models.PositiveIntegerField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=9, choices=Decision.choices)
    item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("remembered decision")
        verbose_name_plural = _("remembered decisions")
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["person", "other_person"], name="pair_decision_pair"),
            models.Index(fields=["person", "entry"], name="pair_decision_hit"),
        ]

    def __str__(self) -> str:
        return self.decision


class Merge(TimporaModel):
    """Two persons found to be one: ``merged`` now lives on in ``survivor``.

    ``moved`` lists every row that was re-pointed from the merged person to the survivor, by
    model and field, so that a split puts exactly those rows back.
    """

    survivor = models.ForeignKey(
        "registry.Person", verbose_name=_("kept person"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        "registry.Person",
        verbose_name=_("merged person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        ReviewItem, verbose_name=_("review item"), on_delete=models.PROTECT, related_name="+"
    )
    moved = models.JSONField(_("moved rows"), default=dict)
    merged_by = models.ForeignKey(
        "accounts.User", verbose_name=_("merged by"), on_delete=models.PROTECT, related_name="+"
    )
    split_at = models.DateTimeField(_("split at"), null=True, blank=True)
    split_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("split by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    split_note = models.TextField(_("reason for the split"), blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
