"""Where the current request came from, so that actions need not pass the request around."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def client_address() -> str | None:
    return _client_address.get()


@contextmanager
def from_address(address: str | None) -> Iterator[None]:
    token = _client_address.set(address)
    try:
        yield
    finally:
        _client_address.reset(token)


class AuditContextMiddleware:
    """Remembers the client address of the request being served for the audit events it causes.

    ``REMOTE_ADDR`` is used as is: behind a reverse proxy, the proxy must set it (see
    docs/configuration.md), because a client-supplied X-Forwarded-For cannot be trusted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with from_address(request.META.get("REMOTE_ADDR") or None):
            return self.get_response(request)
