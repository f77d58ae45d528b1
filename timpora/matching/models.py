"""Watch lists and their entries (screening against them comes with the matching issue)."""

from __future__ import annotations

import builtins

from django.db import models
from django.utils.translation import gettext_lazy as _

from timpora.core.models import TimporaModel
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
