from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from timpora.core.apps import HomePanel, TimporaAppConfig

if TYPE_CHECKING:
    from django.http import HttpRequest


class CasesConfig(TimporaAppConfig):
    default = True
    name = "timpora.cases"
    label = "cases"
    verbose_name = _("Cases and administrative actions")

    def nav_items(self, request: HttpRequest) -> list[tuple[str, str, str]]:
        from timpora.cases import panels

        return panels.nav_items(request)

    def home_panels(self, request: HttpRequest) -> list[HomePanel]:
        from timpora.cases import panels

        return panels.home_panels(request)

    def person_panels(self, request: HttpRequest, person: Any) -> list[str]:
        from timpora.cases import panels

        return panels.person_panels(request, person)

    def alert_panels(self, request: HttpRequest, alert: Any) -> list[str]:
        from timpora.cases import panels

        return panels.alert_panels(request, alert)

    def review_panels(self, request: HttpRequest, item: Any) -> list[str]:
        from timpora.cases import panels

        return panels.review_panels(request, item)
