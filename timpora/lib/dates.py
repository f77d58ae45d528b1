"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as passports and watch lists give them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse an ISO 8601 full or partial date; raise ``ValueError`` with the reason."""
        match = _PARTIAL.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match.group(1))
        month, day = (int(part) if part else None for part in match.groups()[1:])
        if year < 1800:
            raise ValueError(f"{text!r} has an implausible year")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        if day is not None:
            date(year, month or 1, day)  # raises ValueError for 2023-02-30
        return cls(year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def compatible_with(self, other: PartialDate) -> bool:
        """True when the parts both dates know agree (1983-07 fits 1983-07-14, not 1983-08)."""
        pairs = ((self.year, other.year), (self.month, other.month), (self.day, other.day))
        return all(a == b for a, b in pairs if a is not None and b is not None)


def is_partial_date(text: str) -> bool:
    try:
        PartialDate.parse(text)
    except ValueError:
        return False
    return True


def compatible_birth_dates(a: str, b: str) -> bool:
    """Whether two stored dates of birth (possibly empty or partial) may belong to one person."""
    if not a or not b:
        return True
    return PartialDate.parse(a).compatible_with(PartialDate.parse(b))
