from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.safestring import SafeString


@dataclass(frozen=True)
class HomeFigure:
    """One number on the home page, with the words that explain it."""

    label: str
    value: int
    hint: str = ""
    url: str = ""


@dataclass(frozen=True)
class HomePanel:
    """A group of figures an app puts on the home page for the user who is looking."""

    title: str
    figures: list[HomeFigure] = field(default_factory=list)
    order: int = 100


class TimporaAppConfig(AppConfig):
    """Hooks through which lower apps (``core``) reach the apps above them without importing them.

    ``timpora init`` calls :meth:`load_reference_data` on every app in order; the home page asks
    every app for its :meth:`home_panels`.
    """

    # Not a configuration of its own; each app's subclass sets ``default = True``.
    default = False

    def load_reference_data(self, *, log: Any) -> None:
        """Create or update this app's reference rows; running it twice changes nothing."""

    def home_panels(self, request: HttpRequest) -> list[HomePanel]:
        return []

    def person_panels(self, request: HttpRequest, person: Any) -> list[str]:
        """Sections (rendered HTML) this app adds to a person's page for the user looking,
        such as the person's open alerts and risk; nothing the user may not see."""
        return []

    def alert_panels(self, request: HttpRequest, alert: Any) -> list[str]:
        """Sections (rendered HTML) this app adds to an alert's page for the user looking, such
        as the case the alert is in, or a form to open one."""
        return []

    def review_panels(self, request: HttpRequest, item: Any) -> list[str]:
        """Sections (rendered HTML) this app adds to a review item's page for the user looking."""
        return []

    def nav_items(self, request: HttpRequest) -> list[tuple[str, str, str]]:
        """Links ``(url, label, key)`` this app adds to the main navigation for the user, after
        the alerts; ``key`` is the page's ``active`` value."""
        return []

    def schedule(self) -> None:
        """Called by ``timpora worker`` about once a minute: enqueue this app's periodic tasks
        that are due (each must be safe to enqueue twice)."""


def collect_panels(hook: str, request: HttpRequest, subject: Any) -> list[SafeString]:
    """The sections every app adds through ``hook`` (``person_panels``, ``alert_panels``,
    ``review_panels``) to the page of ``subject``, in the order of the installed apps."""
    from django.apps import apps
    from django.utils.safestring import mark_safe

    return [
        mark_safe(panel)  # noqa: S308 - each app renders its panel from its own template
        for config in apps.get_app_configs()
        if isinstance(config, TimporaAppConfig)
        for panel in getattr(config, hook)(request, subject)
    ]


class CoreConfig(TimporaAppConfig):
    default = True
    name = "timpora.core"
    label = "core"
    verbose_name = _("Core")
