from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from timpora.audit.choices import Purpose
from timpora.lib.dates import is_partial_date
from timpora.registry.models import Country, Kecamatan
from timpora.registry.queries import PersonSearch


class PurposeField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Purpose"),
            choices=[("", _("Choose why you are looking")), *Purpose.choices],
            help_text=_("Every look at a person's data is recorded with its purpose (UU PDP)."),
            **kwargs,
        )


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("In any script: ZHANG WEI, 张伟, Nguyễn."),
    )
    passport = forms.CharField(label=_("Passport number"), required=False, max_length=32)
    nationality = forms.ModelChoiceField(
        label=_("Nationality"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="alpha3",
        empty_label=_("Any"),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        required=False,
        max_length=10,
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False, empty_label=_("Any")
    )
    purpose = PurposeField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].label_from_instance = lambda c: f"{c.name} ({c.alpha3})"  # type: ignore[attr-defined]

    def clean_date_of_birth(self) -> str:
        value: str = self.cleaned_data["date_of_birth"].strip()
        if value and not is_partial_date(value):
            raise forms.ValidationError(_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.search().is_empty and not data.get("purpose"):
            self.add_error("purpose", _("Choose the purpose of your search."))
        return data

    def search(self) -> PersonSearch:
        data = getattr(self, "cleaned_data", {})
        nationality = data.get("nationality")
        kecamatan = data.get("kecamatan")
        return PersonSearch(
            name=data.get("name", "").strip(),
            passport=data.get("passport", "").strip(),
            nationality=nationality.alpha3 if nationality else "",
            date_of_birth=data.get("date_of_birth", ""),
            kecamatan=kecamatan.pk if kecamatan else None,
        )


class PurposeForm(forms.Form):
    purpose = PurposeField()
