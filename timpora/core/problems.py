"""API errors as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

PROBLEM_TYPE_BASE = "https://timpora.id/problems/"


def problem(
    request: HttpRequest,
    status: int,
    detail: str = "",
    *,
    slug: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """A problem response; ``slug`` names the problem type (defaults to the status phrase)."""
    phrase = HTTPStatus(status).phrase
    body = {
        "type": PROBLEM_TYPE_BASE + (slug or phrase.lower().replace(" ", "-")),
        "title": phrase,
        "status": status,
        "detail": detail or phrase,
        "instance": request.path,
        **extra,
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response
