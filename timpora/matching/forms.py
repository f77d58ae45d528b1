"""Forms of the matching pages: filter the review queue, decide an item, split a merge, change a
watch list, search its entries and screen one identity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from timpora.accounts.models import Agency
from timpora.lib.dates import is_partial_date
from timpora.matching.choices import Decision, ReviewKind, ReviewOrigin, ReviewStatus
from timpora.registry.forms import PurposeField
from timpora.registry.models import Country

ANY = ("", _("Any"))
DAY = forms.DateInput(format="%d-%m-%Y")

#: What the radio buttons say for a watch-list hit: the decision is about the listed person.
HIT_LABELS = {
    Decision.SAME: _("Confirmed: this is the listed person"),
    Decision.DIFFERENT: _("Not the listed person"),
    Decision.UNSURE: _("Unsure"),
}


class ReviewFilterForm(forms.Form):
    """The queue's filters; an empty status shows every status, none given means open items."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[ANY, *ReviewKind.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[ANY, *ReviewStatus.choices]
    )
    origin = forms.ChoiceField(
        label=_("Raised by"), required=False, choices=[ANY, *ReviewOrigin.choices]
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = ReviewStatus.OPEN
        super().__init__(data if data is not None else {"status": ReviewStatus.OPEN}, **kwargs)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": ReviewStatus.OPEN}
        return {name: value for name, value in self.cleaned_data.items() if value}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you compared; required when you are unsure."),
    )
    confirm = forms.BooleanField(
        label=_("Decide anyway: I have seen the earlier decision"), required=False
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["decision"]
        if kind == ReviewKind.HIT:
            field.choices = [(value, HIT_LABELS[Decision(value)]) for value in Decision.values]
        else:
            field.choices = Decision.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.UNSURE and not data.get("note", "").strip():
            self.add_error("note", _("Say in the note what makes you unsure."))
        return data


class SplitForm(forms.Form):
    note = forms.CharField(
        label=_("Why was the merge wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        note: str = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Say why the merge was wrong."))
        return note


class WatchlistForm(forms.Form):
    """What a coordinator may change of a list; the entries come from the agencies' files."""

    owning_agency = forms.ModelChoiceField(
        label=_("Owning agency"),
        queryset=Agency.objects.order_by("code"),
        required=False,
        help_text=_("The agency that handles hits on this list."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=300)
    valid_from = forms.DateField(
        label=_("In force from"), required=False, widget=DAY, help_text=_("DD-MM-YYYY")
    )
    valid_until = forms.DateField(
        label=_("In force until"), required=False, widget=DAY, help_text=_("DD-MM-YYYY")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end comes before the start."))
        return data


class EntrySearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)


class ScreenForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("In any script: LI QIANG, 李强, Nguyễn."),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=10,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    nationality = forms.ModelChoiceField(
        label=_("Nationality"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="alpha3",
        empty_label=_("Any"),
    )
    purpose = PurposeField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].label_from_instance = lambda c: f"{c.name} ({c.alpha3})"  # type: ignore[attr-defined]

    def clean_full_name(self) -> str:
        name: str = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Write the name to screen."))
        return name

    def clean_date_of_birth(self) -> str:
        value: str = self.cleaned_data["date_of_birth"].strip()
        if value and not is_partial_date(value):
            raise forms.ValidationError(_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."))
        return value
