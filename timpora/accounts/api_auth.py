"""How API callers prove who they are: a personal token, or the browser's session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from timpora.accounts.actions import authenticate_token
from timpora.accounts.two_factor import needs_two_factor_setup


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tmp_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """The logged-in session (with its CSRF check), once two-factor log-in is satisfied."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active and not needs_two_factor_setup(user):
            return user
        return None


AUTH = [TokenAuth(), VerifiedSessionAuth()]
