"""Forms of the exchange pages: choose a file, map its columns, say who may send what."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from timpora.accounts.models import Agency
from timpora.exchange.formats import FileRefused, detect_format
from timpora.exchange.models import ColumnProfile
from timpora.exchange.permissions import Permission, permissions_of
from timpora.exchange.pipeline import column_problems, resolve_columns
from timpora.registry.choices import FactKind, WatchList
from timpora.registry.records import COLUMNS, REQUIRED_COLUMNS

IGNORE = ""


def sendable_kinds(user: Any) -> list[str]:
    """The kinds the user's agency may send, in the order of the formats."""
    if getattr(user, "agency", None) is None:
        return []
    permissions = permissions_of(user.agency)
    return [kind for kind in FactKind.values if permissions[kind].allowed]


class UploadForm(forms.Form):
    """Step 1: the kind of records, the file, and optionally a saved column mapping."""

    kind = forms.ChoiceField(label=_("Kind of records"))
    file = forms.FileField(label=_("File"))
    profile = forms.ModelChoiceField(
        label=_("Saved column mapping"),
        queryset=ColumnProfile.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("None: match the columns by name"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [
            ("", "—"),
            *((kind, FactKind(kind).label) for kind in sendable_kinds(user)),
        ]
        profile_field: Any = self.fields["profile"]
        profile_field.queryset = ColumnProfile.objects.visible_to(user)
        profile_field.label_from_instance = lambda p: f"{p.name} ({p.get_kind_display()})"
        limit = number_format(settings.MAX_IMPORT_UPLOAD_MB, force_grouping=True)
        self.fields["file"].help_text = _(
            "CSV, XLSX, JSON or JSON Lines with a header row; at most %(limit)s MB."
        ) % {"limit": limit}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.MAX_IMPORT_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB, the most this page accepts."),
                code="too_large",
                params={"limit": number_format(limit, force_grouping=True)},
            )
        try:
            detect_format(upload.name or "")
        except FileRefused as refused:
            raise forms.ValidationError(refused.reason, code="format") from None
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        profile, kind = cleaned.get("profile"), cleaned.get("kind")
        if profile is not None and kind and profile.kind != kind:
            self.add_error(
                "profile",
                _("This mapping was saved for another kind of records (%(kind)s).")
                % {"kind": profile.get_kind_display()},
            )
        return cleaned


class MappingForm(forms.Form):
    """Step 2: which field each column of the file fills, and an optional profile name."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        columns: Sequence[str],
        initial_mapping: Mapping[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.columns = list(columns)
        required = set(REQUIRED_COLUMNS[kind])
        choices = [
            (IGNORE, _("— ignore —")),
            *((field, f"{field} *" if field in required else field) for field in COLUMNS[kind]),
        ]
        for index, column in enumerate(self.columns):
            self.fields[self.field_name(index)] = forms.ChoiceField(
                label=column,
                choices=choices,
                required=False,
                initial=initial_mapping.get(column, IGNORE),
            )
        self.fields["profile_name"] = forms.CharField(
            label=_("Save this mapping as a profile named"),
            max_length=100,
            required=False,
            help_text=_("Optional. Your agency can choose it for its next files of this kind."),
        )
        self.problems: list[str] = []

    @staticmethod
    def field_name(index: int) -> str:
        return f"column_{index}"

    def column_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(index)] for index in range(len(self.columns))]

    def submitted_mapping(self) -> dict[str, str]:
        """The mapping as posted (or as initially shown), valid choices only."""
        mapping = {}
        fields = set(COLUMNS[self.kind])
        for index, column in enumerate(self.columns):
            bound = self[self.field_name(index)]
            value = bound.value() if self.is_bound else bound.initial
            mapping[column] = value if value in fields else IGNORE
        return mapping

    def current_problems(self) -> list[str]:
        mapping = self.submitted_mapping()
        return column_problems(self.kind, resolve_columns(self.kind, self.columns, mapping))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.problems = self.current_problems()
        for problem in self.problems:
            self.add_error(None, problem)
        return cleaned

    def mapping(self) -> dict[str, str]:
        """``{file column: field or ""}`` for every column, once the form is valid."""
        return {
            column: self.cleaned_data[self.field_name(index)]
            for index, column in enumerate(self.columns)
        }

    def filled(self) -> set[str]:
        return {field for field in self.submitted_mapping().values() if field}


class SendPermissionForm(forms.Form):
    """One agency's row of the table of who may send what (its inputs sit in the table cells)."""

    lists = forms.MultipleChoiceField(
        label=_("Watch lists"),
        choices=WatchList.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all lists."),
    )

    def __init__(
        self, *args: Any, agency: Agency, permissions: Mapping[str, Permission], **kwargs: Any
    ) -> None:
        form_id = f"permissions-{agency.code}"
        kwargs.setdefault("auto_id", f"{form_id}-%s")
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.form_id = form_id
        self.permissions = permissions
        for kind in FactKind.values:
            self.fields[kind] = forms.BooleanField(
                label=FactKind(kind).label,
                required=False,
                initial=permissions[kind].allowed,
            )
        self.fields["lists"].initial = list(permissions[FactKind.WATCHLIST_ENTRY].lists)
        for name, field in self.fields.items():
            field.widget.attrs["form"] = form_id
            if name != "lists":
                field.widget.attrs["aria-label"] = f"{agency.code}: {field.label}"

    def changes(self) -> list[tuple[str, bool, tuple[str, ...]]]:
        """``(kind, allowed, lists)`` for each kind whose permission the post changes."""
        changed = []
        for kind in FactKind.values:
            allowed = bool(self.cleaned_data[kind])
            lists: tuple[str, ...] = ()
            if kind == FactKind.WATCHLIST_ENTRY:
                lists = tuple(sorted(self.cleaned_data["lists"]))
            before = self.permissions[kind]
            if (before.allowed, tuple(sorted(before.lists))) != (allowed, lists):
                changed.append((kind, allowed, lists))
        return changed
