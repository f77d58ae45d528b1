"""Forms of the detection pages: an officer's step on an alert, a coordinator's new value of a
parameter and the routes of a rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import AgencyKind
from timpora.detection.choices import DismissalReason
from timpora.detection.models import LegalParameter

DAY = forms.DateInput(format="%d-%m-%Y")


def _note(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class StepForm(forms.Form):
    """Acknowledge or escalate: a note is optional."""

    note = _note(_("Note"))


class ResolveForm(forms.Form):
    note = _note(_("Note"), _("What was done, or why the alert can be closed."))


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why dismiss it?"),
        choices=[("", _("Choose a reason")), *DismissalReason.choices],
    )
    note = _note(_("Note"), _("Required when the reason is “Other reason”."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == DismissalReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Say why the alert is dismissed."))
        return data


class ParameterForm(forms.Form):
    """A new value of one parameter from a date on; earlier days keep their value."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    value = forms.DecimalField(
        label=_("New value"), min_value=0, max_digits=16, decimal_places=4, localize=True
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=DAY, help_text=_("DD-MM-YYYY: the first day it holds.")
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=200,
        help_text=_("The regulation or decision that sets the new value."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not LegalParameter.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown parameter."))
        return code

    def clean_legal_basis(self) -> str:
        basis: str = self.cleaned_data["legal_basis"].strip()
        if not basis:
            raise forms.ValidationError(_("Name the legal basis of the new value."))
        return basis


class RoutesForm(forms.Form):
    """The kinds of agency a rule's alerts go to."""

    rule = forms.CharField(widget=forms.HiddenInput, max_length=24)
    agency_kinds = forms.MultipleChoiceField(
        label=_("Routed to"),
        choices=AgencyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
