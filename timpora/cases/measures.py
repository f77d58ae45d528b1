"""What each kind of administrative action (TAK) needs: its label, default legal basis and the
data of its ``details``, validated; and the overstay charge, computed from the dated parameters.

UU 6/2011 (Keimigrasian): Pasal 75(2) lists the administrative actions; Pasal 78 the overstay
charge and the 60-day rule; Pasal 83-85 detention; Pasal 91-97 the exit ban (pencegahan, six
months, extendable once) and Pasal 98-102 the entry ban (penangkalan, up to ten years,
extendable); Pasal 105-107 investigation by the immigration PPNS (pro justitia).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

from timpora.cases.choices import ActionKind
from timpora.detection.actions import parameters_at
from timpora.detection.parameters import rupiah
from timpora.registry.choices import PermitType

CHARGE_PARAMETER = "OVERSTAY_CHARGE_PER_DAY"
THRESHOLD_PARAMETER = "OVERSTAY_DEPORTATION_DAYS"
MAX_ENTRY_BAN_YEARS = 10  # UU 6/2011 Pasal 102 (as amended): up to ten years, extendable
MAX_EXIT_BAN_MONTHS = 6  # UU 6/2011 Pasal 97: six months, extendable once
MAX_DETENTION_YEARS = 10  # UU 6/2011 Pasal 85: until deportation, at most ten years

TEXT = 300
LONG_TEXT = 2000


def _fail(message: Any) -> PydanticCustomError:
    """A validation error whose message is already translated (shown as it is)."""
    return PydanticCustomError("timpora", "{message}", {"message": str(message)})


class Details(BaseModel):
    """The details of one kind: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- Per kind ------------------------------------------------------------------------------


class EntryBan(Details):
    """Listing for penangkalan: for how many years, and why."""

    years: int = Field(ge=1, le=MAX_ENTRY_BAN_YEARS)
    reason: str = Field(min_length=1, max_length=LONG_TEXT)


class ExitBan(Details):
    """Listing for pencegahan: for how many months (at most six), and why."""

    months: int = Field(ge=1, le=MAX_EXIT_BAN_MONTHS)
    reason: str = Field(min_length=1, max_length=LONG_TEXT)


class PermitLimit(Details):
    """The permit (the action's ``permit``) ends earlier."""

    valid_until: date
    conditions: str = Field("", max_length=LONG_TEXT)


class PermitChange(Details):
    """The permit (the action's ``permit``) becomes another type, or ends on another day."""

    permit_type: PermitType | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _something_changes(self) -> PermitChange:
        if self.permit_type is None and self.valid_until is None:
            raise _fail(_("Give the new permit type, the new end of validity, or both."))
        return self


class PermitCancel(Details):
    """The permit (the action's ``permit``) is cancelled; the grounds say why."""

    effective_on: date | None = None


class PlaceBan(Details):
    """Barred from these places (Pasal 75(2) c)."""

    places: list[str] = Field(min_length=1, max_length=50)
    until: date | None = None

    @field_validator("places")
    @classmethod
    def _named(cls, places: list[str]) -> list[str]:
        named = [" ".join(p.split()) for p in places if p and p.strip()]
        if not named:
            raise _fail(_("Name at least one place."))
        if any(len(p) > TEXT for p in named):
            raise _fail(_("A place is at most %(n)s characters.") % {"n": TEXT})
        return named


class ResidenceOrder(Details):
    """Required to live at this address (Pasal 75(2) d)."""

    address: str = Field(min_length=1, max_length=TEXT)
    until: date | None = None


class Payment(Details):
    """The overstay charge paid: when, and the receipt (PNBP) number."""

    paid_on: date
    receipt_number: str = Field(min_length=1, max_length=64)


class OverstayCharge(Details):
    """Biaya beban: the stay was authorised until a day; the charge runs to ``as_of``.

    ``days``, ``amount`` and ``parts`` are computed by :func:`validate`, whatever was sent.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    authorised_until: date
    as_of: date
    payment: Payment | None = None

    @model_validator(mode="after")
    def _overstayed(self) -> OverstayCharge:
        if self.as_of <= self.authorised_until:
            raise _fail(_("There is no overstay: the day of the charge is within the stay."))
        return self


class Deportation(Details):
    """Deportation (Pasal 75(2) f): how and when, and the entry ban that follows."""

    route: str = Field(min_length=1, max_length=TEXT)
    checkpoint: str = Field(min_length=1, max_length=16)
    departure_on: date
    escort: str = Field("", max_length=TEXT)
    entry_ban_years: int = Field(0, ge=0, le=MAX_ENTRY_BAN_YEARS)
    entry_ban_reason: str = Field("", max_length=LONG_TEXT)

    @field_validator("checkpoint")
    @classmethod
    def _known_checkpoint(cls, code: str) -> str:
        from timpora.registry.models import Checkpoint

        code = code.upper()
        if not Checkpoint.objects.filter(code=code).exists():
            raise _fail(_("There is no checkpoint %(code)s.") % {"code": code})
        return code

    @model_validator(mode="after")
    def _ban_has_reason(self) -> Deportation:
        if self.entry_ban_years and not self.entry_ban_reason:
            raise _fail(_("An entry ban needs its reason."))
        return self


class Detention(Details):
    """Detention (Pasal 83-85): by a written decision, with its reason, place and review day."""

    decision_number: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=LONG_TEXT)
    place: str = Field(min_length=1, max_length=TEXT)
    start: date
    review_on: date

    @model_validator(mode="after")
    def _review_after_start(self) -> Detention:
        if self.review_on <= self.start:
            raise _fail(_("The review must come after the detention starts."))
        if self.review_on > add_years(self.start, MAX_DETENTION_YEARS):
            raise _fail(_("Detention lasts at most ten years."))
        return self


class ProJustitia(Details):
    """Hand-over for investigation: the articles allegedly violated and the investigator (PPNS)."""

    articles: list[str] = Field(min_length=1, max_length=20)
    investigator: str = Field(min_length=1, max_length=TEXT)

    @field_validator("articles")
    @classmethod
    def _named(cls, articles: list[str]) -> list[str]:
        named = [" ".join(a.split()) for a in articles if a and a.strip()]
        if not named:
            raise _fail(_("Name at least one article, e.g. Pasal 122 huruf a."))
        return named


# --- Specs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    kind: ActionKind
    label: Any  # a lazy translation
    legal_basis: str
    details: type[Details]
    needs_permit: bool = False
    extendable: bool = False
    help: Any = ""


_B = "UU 6/2011 Pasal 75 ayat (2)"
ENTRY_BAN_BASIS = "UU 6/2011 Pasal 75 ayat (2) huruf a, Pasal 98-102"
SPECS: dict[str, Spec] = {
    s.kind: s
    for s in (
        Spec(
            ActionKind.PENANGKALAN,
            ActionKind.PENANGKALAN.label,
            ENTRY_BAN_BASIS,
            EntryBan,
            extendable=True,
            help=_("Up to ten years; an extension adds years to the listing it extends."),
        ),
        Spec(
            ActionKind.PENCEGAHAN,
            ActionKind.PENCEGAHAN.label,
            "UU 6/2011 Pasal 75 ayat (2) huruf a, Pasal 91-97",
            ExitBan,
            extendable=True,
            help=_("Up to six months, extendable once."),
        ),
        Spec(
            ActionKind.PERMIT_LIMIT,
            ActionKind.PERMIT_LIMIT.label,
            f"{_B} huruf b",
            PermitLimit,
            needs_permit=True,
        ),
        Spec(
            ActionKind.PERMIT_CHANGE,
            ActionKind.PERMIT_CHANGE.label,
            f"{_B} huruf b",
            PermitChange,
            needs_permit=True,
        ),
        Spec(
            ActionKind.PERMIT_CANCEL,
            ActionKind.PERMIT_CANCEL.label,
            f"{_B} huruf b",
            PermitCancel,
            needs_permit=True,
        ),
        Spec(ActionKind.PLACE_BAN, ActionKind.PLACE_BAN.label, f"{_B} huruf c", PlaceBan),
        Spec(
            ActionKind.RESIDENCE_ORDER,
            ActionKind.RESIDENCE_ORDER.label,
            f"{_B} huruf d",
            ResidenceOrder,
        ),
        Spec(
            ActionKind.OVERSTAY_CHARGE,
            ActionKind.OVERSTAY_CHARGE.label,
            f"{_B} huruf e, Pasal 78 ayat (1) dan (2)",
            OverstayCharge,
            help=_("Days times the charge valid on each day; beyond 60 days deportation applies."),
        ),
        Spec(
            ActionKind.DEPORTATION,
            ActionKind.DEPORTATION.label,
            f"{_B} huruf f",
            Deportation,
            help=_("With an entry ban, the person is listed for penangkalan when deported."),
        ),
        Spec(ActionKind.DETENTION, ActionKind.DETENTION.label, "UU 6/2011 Pasal 83-85", Detention),
        Spec(
            ActionKind.PRO_JUSTITIA,
            ActionKind.PRO_JUSTITIA.label,
            "UU 6/2011 Pasal 105-107 (PPNS Keimigrasian)",
            ProJustitia,
        ),
    )
}
PERMIT_KINDS = tuple(k for k, s in SPECS.items() if s.needs_permit)


def spec(kind: str) -> Spec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValidationError(
            {"kind": [_("There is no action of kind %(kind)s.") % {"kind": kind}]}
        ) from None


# --- Validation ----------------------------------------------------------------------------


def _message(error: Mapping[str, Any]) -> str:
    """One pydantic error in the user's language."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "timpora":
        return str(ctx.get("message", error["msg"]))
    if kind == "missing":
        return gettext("This field is required.")
    if kind == "extra_forbidden":
        return gettext("This field is not part of this kind of action.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return gettext("Enter a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return gettext("Enter at least %(n)s.") % {"n": ctx.get("ge", ctx.get("gt", ""))}
    if kind in {"less_than_equal", "less_than"}:
        return gettext("Enter at most %(n)s.") % {"n": ctx.get("le", ctx.get("lt", ""))}
    if kind.startswith("date"):
        return gettext("Enter a date as YYYY-MM-DD.")
    if kind == "string_too_short":
        return gettext("This field is required.")
    if kind == "string_too_long":
        return gettext("At most %(n)s characters.") % {"n": ctx.get("max_length", "")}
    if kind == "too_short":
        return gettext("Give at least one.")
    if kind == "too_long":
        return gettext("Too many items.")
    if kind in {"list_type", "string_type", "dict_type", "model_type", "model_attributes_type"}:
        return gettext("This value has the wrong form.")
    if kind == "enum":
        return gettext("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    return gettext("This value is not valid.")


def _errors(exc: PydanticError) -> ValidationError:
    by_field: dict[str, list[str]] = {}
    for error in exc.errors():
        where = error.get("loc") or ()
        name = ".".join(str(part) for part in where) if where else NON_FIELD_ERRORS
        by_field.setdefault(name, []).append(_message(error))
    return ValidationError(by_field)


def validate(kind: str, details: Mapping[str, Any] | None) -> dict[str, Any]:
    """``details`` of ``kind``, checked and in JSON form; a ValidationError names each field.

    The overstay charge is computed here (days, amount, the price of each period), and refused
    beyond the threshold: then deportation and an entry ban apply (Pasal 78(3)).
    """
    model = spec(kind).details
    try:
        parsed = model.model_validate(dict(details or {}))
    except PydanticError as exc:
        raise _errors(exc) from None
    data = parsed.model_dump(mode="json")
    if isinstance(parsed, OverstayCharge):
        # A payment is recorded only when the action is executed (validate_payment), never
        # with the proposal: a decision must not print a receipt nobody has checked.
        data.pop("payment", None)
        if parsed.as_of > timezone.localdate():
            raise ValidationError(
                {"as_of": [_("The charge runs to today at the latest, not a future day.")]}
            )
        try:
            charge = overstay_charge(parsed.authorised_until, parsed.as_of)
        except KeyError:
            raise ValidationError(
                {"authorised_until": [_("No overstay charge was in force for some of these days.")]}
            ) from None
        if charge.over_threshold:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "%(days)s days of overstay is more than %(threshold)s: deportation "
                            "and an entry ban apply instead of the charge (UU 6/2011 Pasal 78 "
                            "ayat (3))."
                        )
                        % {"days": charge.days, "threshold": charge.threshold_days}
                    ]
                }
            )
        data.update(charge.as_details())
    return data


def validate_payment(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """The payment of an overstay charge, recorded when it is executed."""
    try:
        return Payment.model_validate(dict(details or {})).model_dump(mode="json")
    except PydanticError as exc:
        raise _errors(exc) from None


# --- The overstay charge -------------------------------------------------------------------


class ChargePart(NamedTuple):
    """The days of an overstay charged at one price."""

    first: date
    last: date
    per_day: Decimal
    days: int
    subtotal: Decimal


@dataclass(frozen=True)
class Charge:
    authorised_until: date
    as_of: date
    days: int
    amount: Decimal
    parts: list[ChargePart]
    threshold_days: int
    over_threshold: bool

    @property
    def amount_text(self) -> str:
        return rupiah(self.amount)

    def as_details(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "amount": _whole(self.amount),
            "amount_text": self.amount_text,
            "threshold_days": self.threshold_days,
            "parts": [
                {
                    "from": p.first.isoformat(),
                    "to": p.last.isoformat(),
                    "per_day": _whole(p.per_day),
                    "days": p.days,
                    "subtotal": _whole(p.subtotal),
                }
                for p in self.parts
            ],
        }


def _whole(amount: Decimal) -> str:
    """Rupiah have no cents: ``60000000.0000`` → ``"60000000"``."""
    return f"{amount:.0f}"


def overstay_charge(authorised_until: date, as_of: date) -> Charge:
    """Biaya beban from the day after the authorised stay to ``as_of``, inclusive.

    Each day costs the charge valid on that day (a change of the charge from a date on never
    changes what earlier days cost); over the threshold of days valid on ``as_of``, deportation
    and an entry ban apply instead (Pasal 78(3)).
    """
    parameters = parameters_at(as_of)
    first = authorised_until + timedelta(days=1)
    days = max((as_of - authorised_until).days, 0)
    parts: list[ChargePart] = []
    if days:
        for period in parameters.periods.get(CHARGE_PARAMETER, ()):
            start = max(first, period.valid_from)
            end = min(as_of, period.valid_to or as_of)
            if end >= start:
                n = (end - start).days + 1
                parts.append(ChargePart(start, end, period.value, n, period.value * n))
    amount = parameters.total(CHARGE_PARAMETER, first, as_of)  # KeyError: a day without a price
    threshold = parameters.integer(THRESHOLD_PARAMETER, as_of)
    return Charge(
        authorised_until=authorised_until,
        as_of=as_of,
        days=days,
        amount=amount,
        parts=parts,
        threshold_days=threshold,
        over_threshold=days > threshold,
    )


# --- Dates ---------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
