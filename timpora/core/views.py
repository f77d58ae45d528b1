from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from timpora.core.apps import HomePanel, TimporaAppConfig


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The figures every app offers the user, at the level their agency may see."""
    panels: list[HomePanel] = []
    for config in apps.get_app_configs():
        if isinstance(config, TimporaAppConfig):
            panels.extend(config.home_panels(request))
    panels.sort(key=lambda panel: panel.order)
    return render(request, "core/home.html", {"panels": panels})
