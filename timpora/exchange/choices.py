from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a batch arrived."""

    COMMAND = "COMMAND", _("Command line")
    UPLOAD = "UPLOAD", _("Upload page")
    API = "API", _("API")
    DEMO = "DEMO", _("Demo data")


class BatchStatus(models.TextChoices):
    """The life of an import batch. Only COMPLETED and REFUSED are final."""

    QUEUED = "QUEUED", _("Waiting for a worker")
    STAGING = "STAGING", _("Reading and checking the file")
    APPLYING = "APPLYING", _("Writing facts")
    COMPLETED = "COMPLETED", _("Completed")
    REFUSED = "REFUSED", _("Refused")


class RowStatus(models.TextChoices):
    PENDING = "PENDING", _("Not yet processed")
    CREATED = "CREATED", _("Accepted as new")
    UPDATED = "UPDATED", _("Accepted as an update")
    UNCHANGED = "UNCHANGED", _("Unchanged")
    REJECTED = "REJECTED", _("Rejected")
    SUPERSEDED = "SUPERSEDED", _("Superseded by a later row with the same key")


FINAL_BATCH_STATUSES = (BatchStatus.COMPLETED, BatchStatus.REFUSED)
