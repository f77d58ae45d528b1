from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from timpora.core.apps import HomePanel, TimporaAppConfig

if TYPE_CHECKING:
    from django.http import HttpRequest


class RegistryConfig(TimporaAppConfig):
    default = True
    name = "timpora.registry"
    label = "registry"
    verbose_name = _("Registry of foreign nationals")

    def load_reference_data(self, *, log: Any) -> None:
        from timpora.registry.reference import load_reference_data

        changed = load_reference_data(settings.REFERENCE_DATA_DIR, actor=None)
        if log:
            log.write(
                "Countries, kecamatan, kelurahan, checkpoints: "
                + ", ".join(f"{name} {count} changed" for name, count in changed.items())
            )

    def home_panels(self, request: HttpRequest) -> list[HomePanel]:
        from timpora.registry.queries import home_panels

        return home_panels(request.user)
