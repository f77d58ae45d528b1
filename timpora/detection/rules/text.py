"""Formatting for explanations: dates and numbers in the active language's conventions."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language


def day(value: date | datetime | str | None) -> str:
    """``2026-03-01`` → ``1 Maret 2026`` (Bahasa Indonesia) or ``1 March 2026`` (English)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        value = value[:10]
    return _day(value, get_language())


@lru_cache(maxsize=16_384)
def _day(value: date | str, language: str | None) -> str:
    """Formatting costs about 0.2 ms; the explanations of thousands of alerts repeat a few
    hundred dates (cached per language)."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return formats.date_format(value, "j F Y")


def number(value: int | float) -> str:
    """Indonesian grouping in either language: ``1.240``."""
    return f"{int(value):,}".replace(",", ".")
