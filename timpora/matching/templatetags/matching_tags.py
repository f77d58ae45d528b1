"""Filters of the matching pages (scores, signed weights, partial dates as DD-MM-YYYY) and what
the navigation shows of the matching app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from timpora.accounts.access import can_see_records
from timpora.accounts.choices import DataCategory
from timpora.lib.dates import PartialDate

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """``0.875`` → ``87,5%`` (Indonesian decimal comma)."""
    if value is None:
        return ""
    return number_format(value * 100, decimal_pos=1) + "%"


@register.filter
def signed(value: float | None) -> str:
    """``0.35`` → ``+0,35``; ``-0.2`` → ``-0,20``: a reason's weight for or against."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return sign + number_format(abs(value), decimal_pos=2)


@register.filter
def dmy(value: str) -> str:
    """A partial date as written here: ``1988-11-02`` → ``02-11-1988``; ``1983-07`` →
    ``07-1983``; ``1992`` → ``1992``."""
    if not value:
        return ""
    try:
        parsed = PartialDate.parse(value)
    except ValueError:
        return value
    parts = [
        f"{parsed.day:02d}" if parsed.day else "",
        f"{parsed.month:02d}" if parsed.month else "",
    ]
    return "-".join([p for p in parts if p] + [f"{parsed.year:04d}"])


@register.simple_tag
def matching_nav(user: Any) -> dict[str, Any]:
    """What the navigation shows of this app. Reads the access profile the navigation has
    already read, so it adds no query to any page."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "agency_id", None):
        return {"review": False, "identities": False}
    return {"review": True, "identities": can_see_records(user, DataCategory.IDENTITY)}
