"""The HTTP API, version 1: ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``, docs at
``/api/v1/docs``. Every endpoint needs a token or a session; errors are RFC 9457 problems."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from timpora import __version__
from timpora.accounts.api import router as accounts_router
from timpora.accounts.api_auth import AUTH
from timpora.cases.api import router as cases_router
from timpora.cases.api_actions import router as actions_router
from timpora.cases.api_documents import router as documents_router
from timpora.core.problems import problem
from timpora.detection.api import router as detection_router
from timpora.exchange.api import router as exchange_router
from timpora.matching.api import router as matching_router
from timpora.registry.api import router as registry_router

api = NinjaAPI(
    title="Timpora API",
    version="1",
    description=(
        "Data exchange and supervision of foreign nationals for a Tim Pengawasan Orang Asing. "
        f"Server version {__version__}. Authenticate with `Authorization: Bearer <token>` "
        "(personal API tokens are created on the API tokens page). Reads of persons require a "
        "`purpose` and are audited."
    ),
    auth=AUTH,
    throttle=[AnonRateThrottle("30/m"), AuthRateThrottle("600/m")],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", registry_router)
api.add_router("/", exchange_router)
api.add_router("/", matching_router)
api.add_router("/", detection_router)
api.add_router("/", cases_router)
api.add_router("/", actions_router)
api.add_router("/", documents_router)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"location": ".".join(str(p) for p in error.get("loc", [])), "message": error.get("msg")}
        for error in exc.errors
    ]
    return problem(request, 422, "The request has invalid values.", slug="invalid", errors=errors)


@api.exception_handler(DjangoValidationError)
def _invalid_action(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    messages: Any = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    errors = [
        {"location": field, "message": message}
        for field, items in messages.items()
        for message in items
    ]
    return problem(request, 422, "The request has invalid values.", slug="invalid", errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        request,
        401,
        "Send a valid API token as 'Authorization: Bearer <token>'.",
        slug="unauthenticated",
    )
    response["WWW-Authenticate"] = 'Bearer realm="timpora"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "No such record, or not one you may see.", slug="not-found")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "You may not do this.", slug="forbidden")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))
