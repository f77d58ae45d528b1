"""Forms of referrals between agencies and of administrative actions (TAK).

The details of an action are per kind: :func:`details_form_class` builds the fields of a kind
from its pydantic model in :mod:`timpora.cases.measures`, and the action validates them again.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import types
import typing
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import AgencyKind
from timpora.accounts.models import Agency
from timpora.cases import measures
from timpora.cases.choices import ActionKind, ActionStatus, ReferralScope, ReferralStatus
from timpora.cases.forms import text_field
from timpora.cases.models import AdministrativeAction, Case
from timpora.registry.models import Checkpoint, Person, StayPermit

DAY = forms.DateInput(format="%d-%m-%Y", attrs={"placeholder": "DD-MM-YYYY"})


_text = functools.partial(text_field, required=True)  # most fields here must be filled


# --- Referrals ---------------------------------------------------------------------------------

#: The usual legal basis of a request to each kind of agency (a suggestion: the officer decides).
LEGAL_BASIS_BY_KIND: dict[str, str] = {
    AgencyKind.MANPOWER: "UU 13/2003 dan PP 34/2021 (penggunaan TKA)",
    AgencyKind.POLICE: "KUHAP",
    AgencyKind.PROSECUTOR: "KUHAP",
    AgencyKind.IMMIGRATION: "UU 6/2011 (keimigrasian)",
    AgencyKind.CUSTOMS: "UU 17/2006 (kepabeanan)",
    AgencyKind.CIVIL_REGISTRY: "UU 24/2013 (administrasi kependudukan)",
    AgencyKind.LOCAL_GOVERNMENT: "Permenimipas 2/2025 (Timpora)",
    AgencyKind.INTELLIGENCE: "UU 17/2011 (intelijen negara)",
    AgencyKind.MILITARY: "UU 34/2004 (TNI)",
}
#: Agencies of kind OTHER, by the start of their code.
LEGAL_BASIS_BY_CODE: dict[str, str] = {
    "PSDKP": "UU 31/2004 jo. UU 45/2009 (perikanan)",
    "BNN": "UU 35/2009 (narkotika)",
    "KKP": "UU 6/2018 (kekarantinaan kesehatan)",
}


def legal_basis_for(agency: Agency) -> str:
    """The usual legal basis of a request to ``agency`` ("" when there is none)."""
    for prefix, basis in LEGAL_BASIS_BY_CODE.items():
        if agency.code.upper().startswith(prefix):
            return basis
    return LEGAL_BASIS_BY_KIND.get(agency.kind, "")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ReferralForm(forms.Form):
    """Send the case, or a request within it, to another agency."""

    to_agency = AgencyChoiceField(
        label=_("To agency"), queryset=Agency.objects.none(), to_field_name="code"
    )
    scope = forms.ChoiceField(
        label=_("What is sent"), choices=ReferralScope.choices, initial=ReferralScope.CASE
    )
    request = _text(_("Request"), rows=3, help_text=_("What you ask the agency to do."))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Left empty, the usual basis for that agency is used (see the suggestions)."),
    )
    transfer = forms.BooleanField(
        label=_("Transfer ownership"),
        required=False,
        help_text=_("On acceptance, the receiving agency becomes the owner of the case."),
    )
    respond_by = forms.DateField(label=_("Respond by"), required=False, widget=DAY)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "referral")
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.exclude(pk=case.owning_agency_id)
        agencies = agencies.order_by("name")
        typing.cast(Any, self.fields["to_agency"]).queryset = agencies
        # The usual bases, each once, with the agencies it is usual for.
        usual: dict[str, list[str]] = {}
        for agency in agencies:
            if basis := legal_basis_for(agency):
                usual.setdefault(basis, []).append(agency.code)
        self.suggestions = [(basis, ", ".join(codes)) for basis, codes in usual.items()]
        self.fields["legal_basis"].widget.attrs["list"] = f"{self.prefix}-legal-bases"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["legal_basis"] = (data.get("legal_basis") or "").strip()
        agency = data.get("to_agency")
        if not data["legal_basis"] and agency is not None:
            data["legal_basis"] = legal_basis_for(agency)
            if not data["legal_basis"]:
                self.add_error("legal_basis", _("Name the legal basis of the request."))
        return data


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *ReferralStatus.choices], required=False
    )


class NoteForm(forms.Form):
    """Accepting a referral, approving an action: a note is optional."""

    note = _text(_("Note"), required=False)


class DeclineForm(forms.Form):
    reason = _text(_("Why decline?"), help_text=_("The sending agency sees your reason."))


class OutcomeForm(forms.Form):
    outcome = _text(_("Outcome"), rows=3, help_text=_("What your agency did about the request."))


class ReasonForm(forms.Form):
    """Withdrawing a referral, cancelling an action: a reason is required."""

    reason = _text(_("Reason"))


# --- Administrative actions --------------------------------------------------------------------


class KindForm(forms.Form):
    """The kind of action to propose, chosen first: its fields follow (htmx swaps them in; a
    plain GET shows the page with them)."""

    kind = forms.ChoiceField(label=_("Kind of action"), choices=ActionKind.choices)

    def __init__(self, *args: Any, case: Case, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "action")
        kwargs.setdefault("auto_id", "id_choose_%s")
        kwargs["initial"] = {"kind": kind}
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs.update(
            {
                "hx-get": reverse("cases:action_propose", args=[case.code]),
                "hx-target": "#action-fields",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )


class ProposeForm(forms.Form):
    """What every action needs; the details of the chosen kind come in a form of their own."""

    kind = forms.ChoiceField(choices=ActionKind.choices, widget=forms.HiddenInput)
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), to_field_name="code"
    )
    grounds = _text(_("Grounds"), rows=3, help_text=_("The facts that justify the action."))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Left empty, the usual basis of the kind is used."),
    )
    urgent = forms.BooleanField(
        label=_("Urgent field action"),
        required=False,
        help_text=_("Taken in the field without a written order, which must follow within a day."),
    )
    permit = forms.ModelChoiceField(
        label=_("Stay permit"),
        queryset=StayPermit.objects.none(),
        to_field_name="code",
        required=True,
    )
    extends = forms.ModelChoiceField(
        label=_("Extends"),
        queryset=AdministrativeAction.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("No: a new listing"),
    )

    def __init__(self, *args: Any, case: Case, kind: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "action")
        super().__init__(*args, **kwargs)
        self.case = case
        self.action_kind = kind if kind in ActionKind.values else self._asked_kind()
        spec = measures.spec(self.action_kind)
        self.spec = spec
        self.initial["kind"] = self.action_kind
        self.chooser = KindForm(case=case, kind=self.action_kind)
        self.fields["legal_basis"].initial = spec.legal_basis
        persons = case.persons.select_related("nationality").order_by("full_name")
        person = typing.cast(Any, self.fields["person"])
        person.queryset = persons
        person.label_from_instance = _person_label
        if spec.needs_permit:
            permit = typing.cast(Any, self.fields["permit"])
            permit.queryset = StayPermit.objects.filter(person__in=persons.values("pk"))
            permit.queryset = permit.queryset.select_related("person").order_by("-valid_until")
            permit.label_from_instance = _permit_label
        else:
            del self.fields["permit"]
        earlier = AdministrativeAction.objects.filter(
            case=case, kind=self.action_kind, status=ActionStatus.EXECUTED
        ).select_related("person")
        if spec.extendable and earlier.exists():
            extends = typing.cast(Any, self.fields["extends"])
            extends.queryset = earlier
            extends.label_from_instance = _action_label
        else:
            del self.fields["extends"]

    def _asked_kind(self) -> str:
        """The kind posted or in the initial data, or the first one."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("kind"))
        else:
            value = self.initial.get("kind")
        return value if value in ActionKind.values else ActionKind.values[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["legal_basis"] = (data.get("legal_basis") or "").strip() or self.spec.legal_basis
        permit, person = data.get("permit"), data.get("person")
        if permit is not None and person is not None and permit.person_id != person.pk:
            self.add_error("permit", _("Choose a permit of the person the action is against."))
        return data


def _person_label(person: Any) -> str:
    nationality = getattr(person, "nationality_id", "") or ""
    return f"{person.full_name} ({nationality})" if nationality else str(person.full_name)


def _permit_label(permit: Any) -> str:
    return (
        f"{permit.permit_number} · {permit.permit_type} · {permit.person.full_name} · "
        f"{permit.valid_until:%d-%m-%Y}"
    )


def _action_label(action: Any) -> str:
    when = action.executed_at.strftime("%d-%m-%Y") if action.executed_at else ""
    return f"{action.get_kind_display()} · {action.person.full_name} · {when}"


class ExecuteForm(forms.Form):
    executed_on = forms.DateField(label=_("Executed on"), widget=DAY, required=False)
    note = _text(_("Note"), required=False)


class PaymentForm(forms.Form):
    """The payment of an overstay charge, recorded when the action is executed."""

    paid_on = forms.DateField(label=_("Paid on"), widget=DAY)
    receipt_number = forms.CharField(label=_("Receipt number (PNBP)"), max_length=64)

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"paid_on": data["paid_on"].isoformat(), "receipt_number": data["receipt_number"]}


class MeetForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- Per-kind details, from the pydantic models of cases.measures ------------------------------

#: Labels of the detail fields (the models name them in English code).
LABELS: dict[str, Any] = {
    "years": _("Years of the entry ban"),
    "months": _("Months of the exit ban"),
    "reason": _("Reason"),
    "valid_until": _("Valid until"),
    "conditions": _("Conditions"),
    "permit_type": _("New permit type"),
    "effective_on": _("Effective from"),
    "places": _("Places"),
    "until": _("Until"),
    "address": _("Address"),
    "authorised_until": _("Stay authorised until"),
    "as_of": _("Charged up to"),
    "route": _("Route"),
    "checkpoint": _("Checkpoint of departure"),
    "departure_on": _("Departure date"),
    "escort": _("Escort"),
    "entry_ban_years": _("Entry ban after deportation (years)"),
    "entry_ban_reason": _("Reason for the entry ban"),
    "decision_number": _("Decision number"),
    "place": _("Place of detention"),
    "start": _("Start"),
    "review_on": _("Review on"),
    "articles": _("Articles"),
    "investigator": _("Investigator (PPNS)"),
    "paid_on": _("Paid on"),
    "receipt_number": _("Receipt number (PNBP)"),
    "days": _("Days"),
    "amount": _("Amount"),
}
HELP: dict[str, Any] = {
    "places": _("One place per line."),
    "articles": _("One per line, e.g. Pasal 122 huruf a."),
    "entry_ban_years": _("0 for none; up to 10 years (UU 6/2011 Pasal 102)."),
    "as_of": _("The last day charged (usually the day the overstay was found)."),
    "route": _("E.g. Batam Centre - Singapore (HarbourFront) by ferry."),
}
#: Fields the server computes or records later (the payment, at execution).
NOT_PROPOSED = {"payment", "days", "amount", "amount_text", "parts", "threshold_days"}


def label_for(name: str) -> Any:
    return LABELS.get(name) or capfirst(name.replace("_", " "))


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and whether ``None`` is allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], optional
    return annotation, False


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in metadata:
        for attr, key in (("ge", "min_value"), ("le", "max_value"), ("max_length", "max_length")):
            value = getattr(item, attr, None)
            if value is not None:
                bounds[key] = value
    return bounds


class LinesField(forms.CharField):
    """A list of short texts, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def _field_for(name: str, info: Any) -> forms.Field | None:
    """A form field for one field of a kind's details, or None when it is not typed in."""
    if name in NOT_PROPOSED:
        return None
    annotation, optional = _unwrap(info.annotation)
    required = info.is_required() and not optional
    common: dict[str, Any] = {
        "label": label_for(name),
        "required": required,
        "help_text": HELP.get(name, ""),
    }
    if not info.is_required() and info.default not in (None, "") and not callable(info.default):
        common["initial"] = info.default
    bounds = _bounds(info.metadata)
    numbers = {k: v for k, v in bounds.items() if k in ("min_value", "max_value")}
    origin = typing.get_origin(annotation)
    if name == "checkpoint":
        checkpoints = [(c.code, f"{c.code} · {c.name}") for c in Checkpoint.objects.all()]
        return forms.ChoiceField(choices=[("", "—"), *checkpoints], **common)
    if annotation is bool:
        common["required"] = False
        return forms.BooleanField(**common)
    if annotation is datetime.date:
        return forms.DateField(widget=DAY, **common)
    if annotation is int:
        return forms.IntegerField(**common, **numbers)
    if annotation is decimal.Decimal:
        return forms.DecimalField(**common, **numbers)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        choices = getattr(annotation, "choices", None) or [(m.value, m.name) for m in annotation]
        blank = [] if required else [("", "—")]
        return forms.ChoiceField(choices=blank + list(choices), **common)
    if origin in (list, tuple):
        return LinesField(**common)
    if annotation is str:
        max_length = bounds.get("max_length")
        long = max_length is None or max_length > 300
        widget = forms.Textarea(attrs={"rows": 2}) if long else None
        return forms.CharField(max_length=max_length, widget=widget, **common)
    return None


class DetailsForm(forms.Form):
    """The details of one kind of action; the kind's model validates them again."""

    kind: str = ""

    def details(self) -> dict[str, Any]:
        """The cleaned values, with empty optional ones left out."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "" or value == []:
                continue
            data[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return data

    def add_errors(self, exc: ValidationError) -> None:
        """Errors of the measure's validation, next to their fields when it names them."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = name.split(".")[0]
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


def details_form_class(kind: str) -> type[DetailsForm]:
    """A form with the fields an officer types in for ``kind``'s details."""
    fields: dict[str, Any] = {"kind": kind}
    for name, info in measures.spec(kind).details.model_fields.items():
        field = _field_for(name, info)
        if field is not None:
            fields[name] = field
    return type(f"DetailsForm{kind.title().replace('_', '')}", (DetailsForm,), fields)


def details_form(kind: str, data: Any = None, **kwargs: Any) -> DetailsForm:
    kwargs.setdefault("prefix", "details")
    return details_form_class(kind)(data, **kwargs)
