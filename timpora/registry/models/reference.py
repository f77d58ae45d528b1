"""Reference tables: countries, Batam's kecamatan and kelurahan, immigration checkpoints."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from timpora.registry.choices import CheckpointKind


class Country(models.Model):
    """A state by its ISO 3166-1 alpha-3 code, with its names in Indonesian and English."""

    alpha3 = models.CharField(_("code"), max_length=3, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["alpha3"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id


class Kecamatan(models.Model):
    """A district of the city (Batam has 12), by its Kemendagri code."""

    code = models.CharField(_("Kemendagri code"), max_length=16, unique=True)
    bps_code = models.CharField(_("BPS code"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Kelurahan(models.Model):
    """A village-level area inside a kecamatan."""

    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.CASCADE, related_name="kelurahan"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        ordering = ["kecamatan__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    """An immigration checkpoint (TPI): a ferry terminal, an airport, a land border post."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=CheckpointKind.choices)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, null=True, blank=True
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
