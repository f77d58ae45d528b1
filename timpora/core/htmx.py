"""Helpers for views that serve a full page or one of its htmx fragments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment rather than a whole page (boosted links get pages)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str | None = None
) -> HttpResponse:
    """Render ``template``, or only its ``partial`` (django-template-partials) for htmx."""
    if partial and is_partial(request):
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)
