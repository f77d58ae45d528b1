"""Codes of the exchange formats (shared/spec/exchange/README.md, v1). Values never change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNSPECIFIED = "X", _("Unspecified")


class PermitType(models.TextChoices):
    BVK = "BVK", _("Visa-free visit (BVK)")
    VOA = "VOA", _("Visa on arrival (VOA)")
    ITK = "ITK", _("Visit stay permit (ITK)")
    ITAS = "ITAS", _("Limited stay permit (ITAS)")
    ITAP = "ITAP", _("Permanent stay permit (ITAP)")
    DAHSUSKIM = "DAHSUSKIM", _("Special immigration facility (Dahsuskim)")
    DIPLOMATIC = "DIPLOMATIC", _("Diplomatic stay permit")
    SERVICE = "SERVICE", _("Service stay permit")
    GOLDEN = "GOLDEN", _("Golden visa")


# Visit-type permits do not allow work (UU 6/2011 Pasal 122).
VISIT_TYPES = frozenset({PermitType.BVK, PermitType.VOA, PermitType.ITK})
RESIDENT_TYPES = frozenset({PermitType.ITAS, PermitType.ITAP})


class PermitStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    EXTENDED = "EXTENDED", _("Extended")
    CANCELLED = "CANCELLED", _("Cancelled")
    EXPIRED = "EXPIRED", _("Expired")
    CONVERTED = "CONVERTED", _("Converted")


class WorkPermitStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Active")
    EXTENDED = "EXTENDED", _("Extended")
    CANCELLED = "CANCELLED", _("Cancelled")
    EXPIRED = "EXPIRED", _("Expired")


class Purpose(models.TextChoices):
    TOURISM = "TOURISM", _("Tourism")
    BUSINESS = "BUSINESS", _("Business")
    WORK = "WORK", _("Work")
    FAMILY = "FAMILY", _("Family")
    STUDY = "STUDY", _("Study")
    MEDICAL = "MEDICAL", _("Medical")
    TRANSIT = "TRANSIT", _("Transit")
    OTHER = "OTHER", _("Other")


class SponsorType(models.TextChoices):
    COMPANY = "COMPANY", _("Company")
    PERSON = "PERSON", _("Person")
    NONE = "NONE", _("None")


class Direction(models.TextChoices):
    ARRIVAL = "ARRIVAL", _("Arrival")
    DEPARTURE = "DEPARTURE", _("Departure")


class ReporterType(models.TextChoices):
    LODGING = "LODGING", _("Lodging")
    COMPANY = "COMPANY", _("Company")
    INDIVIDUAL = "INDIVIDUAL", _("Individual")


class PlaceKind(models.TextChoices):
    LODGING = "LODGING", _("Lodging")
    COMPANY_HOUSING = "COMPANY_HOUSING", _("Company housing")
    PRIVATE_ADDRESS = "PRIVATE_ADDRESS", _("Private address")
    WORKSITE = "WORKSITE", _("Worksite")


PLACE_KIND_OF_REPORTER = {
    ReporterType.LODGING: PlaceKind.LODGING,
    ReporterType.COMPANY: PlaceKind.COMPANY_HOUSING,
    ReporterType.INDIVIDUAL: PlaceKind.PRIVATE_ADDRESS,
}


class RegistrationType(models.TextChoices):
    SKTT = "SKTT", _("Temporary residence certificate (SKTT)")
    KTP_EL = "KTP_EL", _("Electronic identity card (KTP-el)")


class CheckpointKind(models.TextChoices):
    SEAPORT = "SEAPORT", _("Seaport")
    AIRPORT = "AIRPORT", _("Airport")
    LAND = "LAND", _("Land border post")
    OTHER = "OTHER", _("Other")


class FactKind(models.TextChoices):
    """The kinds of the exchange formats (v1), by their names in the formats."""

    COMPANY = "company", _("Company")
    STAY_PERMIT = "stay-permit", _("Stay permit")
    WORK_PERMIT = "work-permit", _("Work permit")
    RESIDENCE_REGISTRATION = "residence-registration", _("Residence registration")
    BORDER_CROSSING = "border-crossing", _("Border crossing")
    RESIDENCE_REPORT = "residence-report", _("Residence report")
    WATCHLIST_ENTRY = "watchlist-entry", _("Watch-list entry")


# Visa indexes (Permenkumham 22/2023 as amended): the common ones, for display. Any index of the
# form letter + digits (+ letter) is accepted; these get a description.
VISA_INDEXES = {
    "B1": _("Visa on arrival"),
    "C1": _("Visit visa: tourism"),
    "C2": _("Visit visa: business"),
    "C16": _("Visit visa: training"),
    "D1": _("Multiple-entry visit visa: tourism"),
    "D2": _("Multiple-entry visit visa: business"),
    "E23": _("Limited stay: work"),
    "E28A": _("Limited stay: investment"),
    "E31": _("Limited stay: family"),
    "E33G": _("Limited stay: remote worker"),
}


class WatchList(models.TextChoices):
    """The watch lists of the exchange format's ``watchlist-entry`` kind."""

    PENANGKALAN = "PENANGKALAN", _("Entry ban (penangkalan)")
    PENCEGAHAN = "PENCEGAHAN", _("Exit ban (pencegahan)")
    DPO = "DPO", _("Wanted list (DPO)")
    INTERPOL = "INTERPOL", _("Interpol notice")
    SANCTIONS = "SANCTIONS", _("Sanctions")
    LOCAL = "LOCAL", _("Local watch list")
