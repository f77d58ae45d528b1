"""Forms of the case pages: opening a case (by hand, or from alerts and a review item), and the
steps an owner takes on it (status, assignment, priority, tasks, notes, attachments, closing)."""

from __future__ import annotations

import contextlib
import re
import uuid
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from timpora.accounts.choices import Role
from timpora.accounts.models import Agency, User
from timpora.cases.choices import (
    CASE_STEPS,
    REFERRAL_SHARING,
    CaseStatus,
    CaseType,
    Outcome,
    Priority,
)
from timpora.cases.models import Case
from timpora.lib.text import document_key
from timpora.registry.models import Person, TravelDocument

DAY = forms.DateInput(format="%d-%m-%Y")
_SPLIT = re.compile(r"[\s,;]+")


def text_field(label: Any, *, required: bool = False, rows: int = 2, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _day(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DAY,
        input_formats=["%d-%m-%Y", "%Y-%m-%d"],
        help_text=help_text or _("DD-MM-YYYY"),
    )


class CaseForm(forms.Form):
    """A case opened by hand: its type, what it is about and who."""

    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    summary = text_field(_("Summary"), rows=4)
    persons = text_field(
        _("Persons"),
        help_text=_("Passport numbers or person codes, one per line or separated by commas."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"priority": Priority.NORMAL})
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_persons(self) -> list[Person]:
        """Each word a person the user may see, by code or by passport number; each once."""
        found: dict[int, Person] = {}
        unknown: list[str] = []
        visible = Person.objects.visible_to(self.user)
        for word in _SPLIT.split(self.cleaned_data["persons"].strip()):
            if not word:
                continue
            person = None
            with contextlib.suppress(ValueError):
                person = visible.filter(code=uuid.UUID(word)).first()
            if person is None:
                document = (
                    TravelDocument.objects.visible_to(self.user)
                    .filter(number_key=document_key(word), person__merged_into__isnull=True)
                    .select_related("person")
                    .first()
                )
                person = document.person if document else None
            if person is None:
                unknown.append(word)
            else:
                found.setdefault(person.pk, person)
        if unknown:
            raise forms.ValidationError(
                _("No person you may see has the passport number or code: %(words)s."),
                params={"words": ", ".join(unknown)},
            )
        return list(found.values())


class OpenFromForm(forms.Form):
    """A case opened from alerts and/or a review item (their codes come from the page)."""

    alerts = forms.CharField(required=False, widget=forms.MultipleHiddenInput)
    review_item = forms.UUIDField(required=False, widget=forms.HiddenInput)
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices, required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: the type and the subject."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.alert_codes: list[uuid.UUID] = []
        if data is not None:
            for value in data.getlist("alerts") if hasattr(data, "getlist") else []:
                try:
                    self.alert_codes.append(uuid.UUID(value))
                except ValueError:
                    self.add_error(None, _("An alert code could not be read."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.alert_codes and not data.get("review_item"):
            raise forms.ValidationError(
                _("Choose the alerts or the review item to open a case from.")
            )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = text_field(_("Note"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["status"]
        field.choices = [(s, CaseStatus(s).label) for s in CASE_STEPS.get(case.status, ())]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), to_field_name="username"
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        field.queryset = _agency_users(case.owning_agency_id)
        field.label_from_instance = _user_label
        if case.assignee_id:
            self.initial.setdefault("assignee", case.assignee)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class NoteForm(forms.Form):
    text = text_field(_("Note"), required=True, rows=3)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG; a photo is kept as a photo, anything else as a document."),
        allow_empty_file=False,
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = _day(_("Due"))
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=None,
        help_text=_("The owning agency, or an agency the case is sent to."),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        to_field_name="username",
        required=False,
        empty_label=_("Nobody yet"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = case.referrals.filter(status__in=REFERRAL_SHARING).values("to_agency_id")
        agencies = Agency.objects.filter(Q(pk=case.owning_agency_id) | Q(pk__in=shared))
        agency: Any = self.fields["agency"]
        agency.queryset = agencies.order_by("name")
        agency.initial = case.owning_agency.code
        field: Any = self.fields["assignee"]
        field.queryset = (
            User.objects.filter(agency__in=agencies, is_active=True)
            .exclude(role=Role.AUDITOR)
            .select_related("agency")
            .order_by("agency__name", "username")
        )
        field.label_from_instance = _user_with_agency

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        assignee, agency = data.get("assignee"), data.get("agency")
        if assignee is not None and agency is not None and assignee.agency_id != agency.pk:
            self.add_error("assignee", _("Choose an officer of the agency that does the work."))
        return data


class TaskDoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Choose the outcome")), *Outcome.choices]
    )
    note = text_field(_("Note"), help_text=_("What was found and done."))


class ReopenForm(forms.Form):
    note = text_field(_("Why reopen it?"), required=True)


def _agency_users(agency_id: int) -> Any:
    users = User.objects.filter(agency_id=agency_id, is_active=True)
    return users.exclude(role=Role.AUDITOR).order_by("username")


def _user_with_agency(user: User) -> str:
    return f"{_user_label(user)} · {user.agency.code if user.agency else ''}"


def _user_label(user: User) -> str:
    name = user.full_name or user.username
    return f"{name} ({user.username})" if name != user.username else name
