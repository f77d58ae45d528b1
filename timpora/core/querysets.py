"""Scoping helpers: every agency-owned or person-level model is read through ``visible_to``."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows which of its rows a user may see.

    Subclasses implement :meth:`visible_to`; views and API endpoints never read a scoped model
    without it.
    """

    def visible_to(self, user: Any) -> ScopedQuerySet[M]:
        raise NotImplementedError(f"{self.model.__name__} does not say who may see it")


def get_visible_or_404(queryset: models.QuerySet[M], user: Any, code: str | uuid.UUID) -> M:
    """Fetch one row by its public code among the rows ``user`` may see, or raise 404.

    A row that exists but is out of the user's scope answers exactly like one that does not
    exist, so that scoping never leaks the existence of a record.
    """
    try:
        wanted = code if isinstance(code, uuid.UUID) else uuid.UUID(str(code))
    except ValueError:
        raise Http404 from None
    scoped = queryset.visible_to(user)  # type: ignore[attr-defined]
    try:
        return scoped.get(code=wanted)
    except ObjectDoesNotExist:
        raise Http404 from None
