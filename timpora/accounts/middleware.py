"""Two-factor log-in: a user who must confirm with a code can do nothing else until they have."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from timpora.accounts.two_factor import needs_two_factor_setup

# Paths a logged-in user may reach before setting up two-factor log-in (``/v/``: the public
# verification of an issued document, which anyone may open).
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/", "/v/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and needs_two_factor_setup(user):
            allowed = (
                reverse("accounts:two_factor_setup"),
                reverse("accounts:logout"),
            )
            if not request.path.startswith(_OPEN_PREFIXES) and request.path not in allowed:
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)
