"""Companies (employers and sponsors) and places (lodgings, company housing, addresses)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory
from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet
from timpora.registry.choices import PlaceKind, ReporterType
from timpora.registry.models.reference import Kecamatan


class CompanyQuerySet(ScopedQuerySet["Company"]):
    def visible_to(self, user: Any) -> CompanyQuerySet:
        # Companies are public business records: every member agency may see them.
        if not getattr(user, "is_authenticated", False) or not user.agency_id:
            return self.none()
        return self.all()


class Company(TimporaModel):
    """An employer or sponsor, by its business id (NIB).

    A company named only as a sponsor or employer exists here with ``registered=False`` until a
    ``company`` record describes it: a sponsor unknown to the company registry is itself a lead.
    """

    company_id = models.CharField(_("business id (NIB)"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    npwp = models.CharField(_("tax number (NPWP)"), max_length=32, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    kelurahan = models.CharField(_("kelurahan"), max_length=100, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, null=True, blank=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    industrial_estate = models.CharField(_("industrial estate"), max_length=100, blank=True)
    registered = models.BooleanField(
        _("in the company registry"),
        default=False,
        help_text=_("A company record describes it (not only a mention as sponsor or employer)."),
    )
    source = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        return self.company_id


class PlaceQuerySet(ScopedQuerySet["Place"]):
    def visible_to(self, user: Any) -> PlaceQuerySet:
        # A place is known from residence reports, and a private landlord is a person too.
        if not can_see_records(user, DataCategory.RESIDENCE_REPORTS):
            return self.none()
        return self.all()


class Place(TimporaModel):
    """Where foreigners stay: a hotel, a company mess, a private house, a worksite.

    A place is identified by its reporter's id and its address as reported; the reporter (the
    lodging, the company or the landlord) is who must report the guests (UU 6/2011 Pasal 72).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    reporter_type = models.CharField(
        _("reporter type"), max_length=12, choices=ReporterType.choices, blank=True
    )
    reporter_id = models.CharField(_("reporter id"), max_length=32, blank=True, db_index=True)
    reporter_name = models.CharField(_("reporter name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300)
    address_key = models.CharField(max_length=300, editable=False)
    kelurahan = models.CharField(_("kelurahan"), max_length=100, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, null=True, blank=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter_id", "address_key"], name="place_one_per_reporter_address"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.address

    def audit_label(self) -> str:
        return self.name or self.address[:60]
