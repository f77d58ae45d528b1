"""The legal and operational numbers of the rules, as dated data (legal numbers are data).

Every number a rule uses is a row of :class:`~timpora.detection.models.LegalParameter` with its
value, unit, validity and legal basis. :data:`DEFAULTS` seeds the table with the values of
``detection-rules.md``; a coordinator changes a value *from a date on*, which closes the current
row the day before and adds a new one, so that an evaluation as of an earlier date still uses the
value that was valid then. :class:`Parameters` is the pure, in-memory view the rules read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from timpora.detection.choices import Unit


@dataclass(frozen=True)
class Default:
    code: str
    value: Decimal
    unit: Unit
    legal_basis: str
    label: object  # a lazy translation


def _d(code: str, value: int | str, unit: Unit, basis: str, label: object) -> Default:
    return Default(code, Decimal(value), unit, basis, label)


OPERATIONAL = "Timpora (operational setting)"
DEFAULTS: tuple[Default, ...] = (
    _d(
        "OVERSTAY_CHARGE_PER_DAY",
        1_000_000,
        Unit.RUPIAH,
        "PP 28/2019",
        _("Overstay charge per day"),
    ),
    _d(
        "OVERSTAY_DEPORTATION_DAYS",
        60,
        Unit.DAYS,
        "UU 6/2011 Pasal 78",
        _("Overstay days beyond which deportation and an entry ban apply"),
    ),
    _d(
        "PERMIT_EXPIRY_NOTICE_DAYS",
        30,
        Unit.DAYS,
        OPERATIONAL,
        _("Days before an ITAS or ITAP ends that it is flagged as expiring"),
    ),
    _d(
        "WORK_HOUSING_WINDOW_DAYS",
        30,
        Unit.DAYS,
        "UU 6/2011 Pasal 122",
        _("Days back in which company housing by another company counts"),
    ),
    _d(
        "UNREPORTED_GRACE_DAYS",
        2,
        Unit.DAYS,
        "UU 6/2011 Pasal 72",
        _("Days after arrival by which a visitor's stay must be reported"),
    ),
    _d(
        "LATE_REPORT_WINDOW_DAYS",
        30,
        Unit.DAYS,
        OPERATIONAL,
        _("Days back in which late residence reports are looked for"),
    ),
    _d(
        "LATE_REPORT_HOURS",
        24,
        Unit.HOURS,
        "UU 6/2011 Pasal 72",
        _("Hours after check-in within which a stay must be reported"),
    ),
    _d(
        "SKTT_DAYS",
        14,
        Unit.DAYS,
        "Perpres 96/2018",
        _("Days after an ITAS starts by which its holder must have an SKTT"),
    ),
    _d(
        "VISA_RUN_WINDOW_DAYS",
        180,
        Unit.DAYS,
        OPERATIONAL,
        _("Days back in which visa runs are looked for"),
    ),
    _d(
        "VISA_RUN_MIN_VISITS",
        3,
        Unit.COUNT,
        OPERATIONAL,
        _("Consecutive visits that make a visa run"),
    ),
    _d(
        "VISA_RUN_MIN_STAY_DAYS",
        25,
        Unit.DAYS,
        OPERATIONAL,
        _("Least length of each visit in a visa run"),
    ),
    _d(
        "VISA_RUN_MAX_GAP_DAYS",
        3,
        Unit.DAYS,
        OPERATIONAL,
        _("Most days outside the country between the visits of a visa run"),
    ),
    _d(
        "ADDRESS_CLUSTER_MIN_PERSONS",
        6,
        Unit.COUNT,
        OPERATIONAL,
        _("Foreigners at one private address on one day that make a cluster"),
    ),
    _d(
        "ADDRESS_CLUSTER_WINDOW_DAYS",
        30,
        Unit.DAYS,
        OPERATIONAL,
        _("Days back in which address clusters are looked for"),
    ),
    _d(
        "SPONSOR_MIN_PERMITS",
        5,
        Unit.COUNT,
        OPERATIONAL,
        _("Least permits of a sponsor before its share of alerts is judged"),
    ),
    _d(
        "SPONSOR_ALERT_SHARE_PERCENT",
        50,
        Unit.PERCENT,
        OPERATIONAL,
        _("Share of a sponsor's permit holders with open alerts that makes it anomalous"),
    ),
    _d(
        "RECONCILIATION_MIN_GAP",
        2,
        Unit.COUNT,
        OPERATIONAL,
        _("Difference between Disnaker's and Immigration's worker counts that is flagged"),
    ),
    _d(
        "ACK_HOURS_HIGH",
        24,
        Unit.HOURS,
        OPERATIONAL,
        _("Hours to acknowledge a high-severity alert"),
    ),
    _d(
        "ACK_HOURS_MEDIUM",
        72,
        Unit.HOURS,
        OPERATIONAL,
        _("Hours to acknowledge a medium-severity alert"),
    ),
    _d(
        "ACK_HOURS_LOW",
        168,
        Unit.HOURS,
        OPERATIONAL,
        _("Hours to acknowledge a low-severity alert"),
    ),
    _d(
        "WRITTEN_ORDER_HOURS",
        24,
        Unit.HOURS,
        "Permenimipas 2/2025 Pasal 30",
        _("Hours after an urgent field action by which its written order must be issued"),
    ),
    _d(
        "OVERSTAY_PAYMENT_DAYS",
        7,
        Unit.DAYS,
        OPERATIONAL,
        _("Days after approval by which an overstay charge is to be paid"),
    ),
    _d(
        "RISK_WEIGHT_HIGH",
        "0.6",
        Unit.WEIGHT,
        OPERATIONAL,
        _("Weight of an open high-severity alert in a risk score"),
    ),
    _d(
        "RISK_WEIGHT_MEDIUM",
        "0.3",
        Unit.WEIGHT,
        OPERATIONAL,
        _("Weight of an open medium-severity alert in a risk score"),
    ),
    _d(
        "RISK_WEIGHT_LOW",
        "0.1",
        Unit.WEIGHT,
        OPERATIONAL,
        _("Weight of an open low-severity alert in a risk score"),
    ),
)
DEFAULT_BY_CODE = {default.code: default for default in DEFAULTS}
SINCE = date(2000, 1, 1)  # the seeded defaults hold from before any record


@dataclass(frozen=True)
class Period:
    """One value of a parameter and the days it holds (``valid_to`` None: until changed)."""

    value: Decimal
    valid_from: date
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Parameters:
    """The parameter table as of one date, with every period kept for day-by-day sums."""

    def __init__(self, periods: Mapping[str, Sequence[Period]], as_of: date) -> None:
        self.periods = {
            code: sorted(rows, key=lambda p: p.valid_from) for code, rows in periods.items()
        }
        self.as_of = as_of

    @classmethod
    def of(cls, rows: Iterable[tuple[str, Decimal, date, date | None]], as_of: date) -> Parameters:
        periods: dict[str, list[Period]] = {}
        for code, value, valid_from, valid_to in rows:
            periods.setdefault(code, []).append(Period(value, valid_from, valid_to))
        return cls(periods, as_of)

    def value(self, code: str, day: date | None = None) -> Decimal:
        """The value valid on ``day`` (the as-of date by default)."""
        day = day or self.as_of
        for period in self.periods.get(code, ()):
            if period.covers(day):
                return period.value
        raise KeyError(f"no value of parameter {code} is valid on {day:%Y-%m-%d}")

    def integer(self, code: str, day: date | None = None) -> int:
        return int(self.value(code, day))

    def fraction(self, code: str, day: date | None = None) -> float:
        return float(self.value(code, day))

    def total(self, code: str, first: date, last: date) -> Decimal:
        """The sum of the daily values from ``first`` to ``last`` inclusive.

        An overstay charge across a change of the charge: each day costs the charge valid that
        day, so changing it from a date on never changes what earlier days cost.
        """
        total = Decimal(0)
        if last < first:
            return total
        for period in self.periods.get(code, ()):
            start = max(first, period.valid_from)
            end = min(last, period.valid_to or last)
            if end >= start:
                total += period.value * ((end - start).days + 1)
        covered = sum(
            (min(last, p.valid_to or last) - max(first, p.valid_from)).days + 1
            for p in self.periods.get(code, ())
            if min(last, p.valid_to or last) >= max(first, p.valid_from)
        )
        if covered != (last - first).days + 1:
            raise KeyError(f"parameter {code} has no value for some day of {first}..{last}")
        return total


def overstay_charge(parameters: Parameters, authorised_until: date, as_of: date) -> Decimal:
    """The overstay charge from the day after the authorised stay ended up to ``as_of``."""
    return parameters.total("OVERSTAY_CHARGE_PER_DAY", authorised_until + timedelta(days=1), as_of)


def rupiah(amount: Decimal | int) -> str:
    """``1000000`` → ``Rp 1.000.000``: Indonesian grouping in either language."""
    return "Rp " + f"{int(amount):,}".replace(",", ".")
