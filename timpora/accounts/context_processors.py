"""What every page's navigation needs to know about the user looking at it."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from timpora.accounts.access import can_see_records, record_categories
from timpora.accounts.choices import DataCategory
from timpora.core.apps import TimporaAppConfig


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)  # absent on error pages of the static files handler
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[tuple[str, Any, str]] = [(reverse("core:home"), _("Home"), "home")]
    if record_categories(user):
        items.append((reverse("registry:person_search"), _("Persons"), "persons"))
    if can_see_records(user, DataCategory.ALERTS):
        items.append((reverse("detection:inbox"), _("Alerts"), "alerts"))
    for config in apps.get_app_configs():
        if isinstance(config, TimporaAppConfig):
            items.extend(config.nav_items(request))
    if getattr(user, "is_auditor", False):
        items.append((reverse("audit:event_list"), _("Audit log"), "audit"))
    if getattr(user, "is_agency_admin", False):
        items.append((reverse("accounts:user_list"), _("Users"), "users"))
    if getattr(user, "agency_id", None):
        items.append((reverse("accounts:agency_list"), _("Agencies"), "agencies"))
    return {"nav_items": items}
