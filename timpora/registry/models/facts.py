"""What the agencies report about a person: permits, work permits, crossings, stays, registrations.

Every fact keeps the agency that sent it and its key in the exchange format (``source`` +
``source_key``), so that the same record sent again is recognised, and a changed one becomes a
new revision with the earlier values kept in :class:`FactRevision`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import record_categories
from timpora.accounts.choices import DataCategory
from timpora.core.models import TimporaModel
from timpora.core.querysets import ScopedQuerySet
from timpora.registry.choices import (
    Direction,
    FactKind,
    PermitStatus,
    PermitType,
    Purpose,
    RegistrationType,
    SponsorType,
    WorkPermitStatus,
)
from timpora.registry.models.organisations import Company, Place
from timpora.registry.models.person import Person, TravelDocument
from timpora.registry.models.reference import Checkpoint, Kecamatan


class FactQuerySet(ScopedQuerySet[Any]):
    def visible_to(self, user: Any) -> FactQuerySet:
        if str(self.model.access_category) not in record_categories(user):
            return self.none()
        return self.all()


class PersonFact(TimporaModel):
    """Fields every fact about a person shares: whom it is about and where it came from."""

    access_category: ClassVar[DataCategory]
    kind: ClassVar[FactKind]

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    document = models.ForeignKey(
        TravelDocument,
        verbose_name=_("travel document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.ForeignKey(
        "accounts.Agency", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    source_key = models.CharField(_("record key"), max_length=200)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = FactQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"], name="%(app_label)s_%(class)s_source_key"
            ),
        ]


class StayPermit(PersonFact):
    """A stay permit (Izin Tinggal): visit, limited (ITAS), permanent (ITAP) and others.

    An extension arrives as an update of the same permit with a later ``valid_until``; the
    earlier validity stays in the permit's revisions.
    """

    access_category = DataCategory.DOCUMENTS
    kind = FactKind.STAY_PERMIT

    permit_number = models.CharField(_("permit number"), max_length=64)
    permit_type = models.CharField(_("permit type"), max_length=12, choices=PermitType.choices)
    visa_index = models.CharField(_("visa index"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PermitStatus.choices)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    sponsor_type = models.CharField(
        _("sponsor type"), max_length=8, choices=SponsorType.choices, blank=True
    )
    sponsor_id = models.CharField(_("sponsor id"), max_length=32, blank=True)
    sponsor_name = models.CharField(_("sponsor"), max_length=200, blank=True)
    sponsor_company = models.ForeignKey(
        Company,
        verbose_name=_("sponsoring company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_permits",
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, blank=True)
    address = models.CharField(_("declared address"), max_length=300, blank=True)
    kelurahan = models.CharField(_("kelurahan"), max_length=100, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, null=True, blank=True
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    issuing_office = models.CharField(_("issuing office"), max_length=100, blank=True)

    class Meta(PersonFact.Meta):
        verbose_name = _("stay permit")
        verbose_name_plural = _("stay permits")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.permit_type} {self.permit_number}"


class WorkPermit(PersonFact):
    """An approved plan for a foreign worker (RPTKA): employer, position, place and period."""

    access_category = DataCategory.WORK_PERMITS
    kind = FactKind.WORK_PERMIT

    rptka_number = models.CharField(_("RPTKA number"), max_length=64)
    employer = models.ForeignKey(
        Company, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="work_permits"
    )
    position = models.CharField(_("position"), max_length=200)
    work_address = models.CharField(_("work address"), max_length=300, blank=True)
    work_kecamatan = models.ForeignKey(
        Kecamatan,
        verbose_name=_("work kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=WorkPermitStatus.choices)
    dkptka_paid_until = models.DateField(_("DKPTKA paid until"), null=True, blank=True)

    class Meta(PersonFact.Meta):
        verbose_name = _("work permit")
        verbose_name_plural = _("work permits")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"RPTKA {self.rptka_number}"


class BorderCrossing(PersonFact):
    """An arrival or a departure at an immigration checkpoint (TPI)."""

    access_category = DataCategory.CROSSINGS
    kind = FactKind.BORDER_CROSSING

    direction = models.CharField(_("direction"), max_length=9, choices=Direction.choices)
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="+"
    )
    crossed_at = models.DateTimeField(_("crossed at"))
    permit_type = models.CharField(
        _("entry permit"), max_length=12, choices=PermitType.choices, blank=True
    )
    permit_number = models.CharField(_("permit number"), max_length=64, blank=True)
    authorized_stay_until = models.DateField(_("stay granted until"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    port_from_or_to = models.CharField(_("other port"), max_length=100, blank=True)

    class Meta(PersonFact.Meta):
        verbose_name = _("border crossing")
        verbose_name_plural = _("border crossings")
        ordering = ["-crossed_at"]
        indexes = [models.Index(fields=["person", "crossed_at"], name="crossing_person_time")]

    def __str__(self) -> str:
        return f"{self.direction} {self.checkpoint_id} {self.crossed_at:%Y-%m-%d}"


class Stay(PersonFact):
    """A residence report: a foreigner's stay at a place, from check-in to check-out (APOA)."""

    access_category = DataCategory.RESIDENCE_REPORTS
    kind = FactKind.RESIDENCE_REPORT

    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="stays"
    )
    permit_type = models.CharField(
        _("permit type"), max_length=12, choices=PermitType.choices, blank=True
    )
    permit_number = models.CharField(_("permit number"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, blank=True)
    check_in = models.DateTimeField(_("check-in"))
    check_out = models.DateTimeField(_("check-out"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))

    class Meta(PersonFact.Meta):
        verbose_name = _("reported stay")
        verbose_name_plural = _("reported stays")
        ordering = ["-check_in"]
        indexes = [models.Index(fields=["person", "check_in"], name="stay_person_time")]

    def __str__(self) -> str:
        return f"{self.place} {self.check_in:%Y-%m-%d}"


class Registration(PersonFact):
    """A population registration of a resident foreigner: SKTT (ITAS) or KTP-el (ITAP)."""

    access_category = DataCategory.REGISTRATIONS
    kind = FactKind.RESIDENCE_REGISTRATION

    registration_number = models.CharField(_("registration number"), max_length=64)
    registration_type = models.CharField(_("type"), max_length=8, choices=RegistrationType.choices)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300)
    kelurahan = models.CharField(_("kelurahan"), max_length=100, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, null=True, blank=True
    )
    city = models.CharField(_("city"), max_length=100)

    class Meta(PersonFact.Meta):
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.registration_type} {self.registration_number}"


class FactRevision(models.Model):
    """An earlier version of a fact, kept when an update replaced it (a permit before extension)."""

    kind = models.CharField(_("kind"), max_length=32, choices=FactKind.choices)
    fact_id = models.BigIntegerField(_("fact"))
    revision = models.PositiveIntegerField(_("revision"))
    values = models.JSONField(_("values"))
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fact revision")
        verbose_name_plural = _("fact revisions")
        ordering = ["kind", "fact_id", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "fact_id", "revision"], name="fact_revision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.fact_id} r{self.revision}"


FACT_MODELS: dict[str, type[PersonFact]] = {
    str(DataCategory.DOCUMENTS): StayPermit,
    str(DataCategory.CROSSINGS): BorderCrossing,
    str(DataCategory.RESIDENCE_REPORTS): Stay,
    str(DataCategory.WORK_PERMITS): WorkPermit,
    str(DataCategory.REGISTRATIONS): Registration,
}
