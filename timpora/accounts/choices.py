from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    IMMIGRATION = "IMMIGRATION", _("Immigration")
    POLICE = "POLICE", _("Police")
    MILITARY = "MILITARY", _("Military")
    PROSECUTOR = "PROSECUTOR", _("Prosecutor")
    LOCAL_GOVERNMENT = "LOCAL_GOVERNMENT", _("Local government")
    MANPOWER = "MANPOWER", _("Manpower")
    CIVIL_REGISTRY = "CIVIL_REGISTRY", _("Civil registry")
    CUSTOMS = "CUSTOMS", _("Customs")
    INTELLIGENCE = "INTELLIGENCE", _("Intelligence")
    OTHER = "OTHER", _("Other")


class Role(models.TextChoices):
    OFFICER = "OFFICER", _("Officer")
    ANALYST = "ANALYST", _("Analyst")
    SUPERVISOR = "SUPERVISOR", _("Supervisor")
    COORDINATOR = "COORDINATOR", _("Coordinator")
    AGENCY_ADMIN = "AGENCY_ADMIN", _("Agency administrator")
    AUDITOR = "AUDITOR", _("Auditor")


class TeamLevel(models.TextChoices):
    """The levels of Timpora teams (Permenimipas 2/2025): central, province, city, kecamatan."""

    CENTRAL = "CENTRAL", _("Central")
    PROVINCE = "PROVINCE", _("Province")
    CITY = "CITY", _("City / regency")
    KECAMATAN = "KECAMATAN", _("Kecamatan")


class DataCategory(models.TextChoices):
    """The categories of person data an access profile grants, one level each."""

    IDENTITY = "IDENTITY", _("Identity")
    DOCUMENTS = "DOCUMENTS", _("Travel documents and stay permits")
    CROSSINGS = "CROSSINGS", _("Border crossings")
    RESIDENCE_REPORTS = "RESIDENCE_REPORTS", _("Residence reports")
    WORK_PERMITS = "WORK_PERMITS", _("Work permits")
    REGISTRATIONS = "REGISTRATIONS", _("Population registrations")
    ALERTS = "ALERTS", _("Alerts")
    CASES = "CASES", _("Cases")
    INTELLIGENCE = "INTELLIGENCE", _("Intelligence")


class AccessLevel(models.TextChoices):
    """How much of a category an agency's users see. The order matters: each includes the last."""

    NONE = "NONE", _("Nothing")
    COUNT = "COUNT", _("Counts only")
    RECORD = "RECORD", _("Person-level records")


ACCESS_LEVEL_RANK = {AccessLevel.NONE: 0, AccessLevel.COUNT: 1, AccessLevel.RECORD: 2}
