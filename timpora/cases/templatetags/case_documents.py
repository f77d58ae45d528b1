"""The documents section of the case page: what it offers the user (see
``cases.views_documents.document_section``)."""

from __future__ import annotations

from typing import Any

from django import template

from timpora.cases.models import Case
from timpora.cases.views_documents import document_section as section

register = template.Library()


@register.simple_tag
def document_section(
    case: Case, actions: Any, documents: Any, user: Any, is_owner: bool
) -> dict[str, Any]:
    """The forms and revocable documents of ``user`` on ``case``'s page."""
    return section(case, actions, documents, user, is_owner)
