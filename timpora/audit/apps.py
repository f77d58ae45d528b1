from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class AuditConfig(TimporaAppConfig):
    default = True
    name = "timpora.audit"
    label = "audit"
    verbose_name = _("Audit")
