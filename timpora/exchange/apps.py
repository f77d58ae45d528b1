from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from timpora.core.apps import TimporaAppConfig


class ExchangeConfig(TimporaAppConfig):
    default = True
    name = "timpora.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")
