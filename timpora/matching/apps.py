from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class MatchingConfig(TimporaAppConfig):
    default = True
    name = "timpora.matching"
    label = "matching"
    verbose_name = _("Identity matching and watch lists")
