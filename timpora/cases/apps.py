from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class CasesConfig(TimporaAppConfig):
    default = True
    name = "timpora.cases"
    label = "cases"
    verbose_name = _("Cases and administrative actions")
