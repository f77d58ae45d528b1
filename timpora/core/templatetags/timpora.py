"""Template filters for Indonesian conventions: partial dates and rupiah."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format, number_format

from timpora.lib.dates import PartialDate

register = template.Library()


@register.filter
def partial_date(value: str) -> str:
    """``1988-11-02`` → ``2 Nov 1988``; ``1983-07`` → ``Juli 1983``; ``1992`` → ``1992``."""
    if not value:
        return ""
    try:
        parsed = PartialDate.parse(value)
    except ValueError:
        return value
    if parsed.day is not None and parsed.month is not None:
        return date_format(date(parsed.year, parsed.month, parsed.day))
    if parsed.month is not None:
        return date_format(date(parsed.year, parsed.month, 1), "YEAR_MONTH_FORMAT")
    return str(parsed.year)


@register.filter
def rupiah(value: int | float | None) -> str:
    """``1000000`` → ``Rp 1.000.000`` (whole rupiah, Indonesian grouping)."""
    if value is None:
        return ""
    return "Rp " + number_format(round(value), decimal_pos=0, force_grouping=True)
