"""The case list's filters: one form that reads the query string, applies itself to a queryset
and says what it applied (for the audit event of the listing).

Without a status the list shows the cases still open; the list is sorted open first, then by
priority (urgent first), newest first.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case as When_
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from timpora.accounts.models import Agency
from timpora.cases.choices import CaseStatus, CaseType, Priority
from timpora.cases.models import Case, Task

ANY = ("", _("Any"))
OPEN = "OPEN"
STATUS_CHOICES = [
    (OPEN, _("Not closed")),
    ("ALL", _("Any status")),
    *CaseStatus.choices,
]
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


def overdue_tasks() -> Any:
    """``Exists`` of an open task of the case past its due day."""
    return Exists(
        Task.objects.filter(
            case=OuterRef("pk"), done_at__isnull=True, due_on__lt=timezone.localdate()
        )
    )


def ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Open first, then by priority (urgent first), newest first."""
    return cases.annotate(
        closed_rank=When_(
            When(status=CaseStatus.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        priority_rank=When_(
            *(When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()),
            default=Value(9),
            output_field=IntegerField(),
        ),
    ).order_by("closed_rank", "priority_rank", "-created_at", "-pk")


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    case_type = forms.ChoiceField(label=_("Type"), required=False, choices=[ANY, *CaseType.choices])
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[ANY, *Priority.choices]
    )
    agency = forms.ModelChoiceField(
        label=_("Owning agency"),
        queryset=Agency.objects.order_by("code"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    overdue = forms.BooleanField(label=_("With overdue tasks"), required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data, **kwargs)

    def applied(self) -> dict[str, str]:
        """The filters in force, as the query string names them (for the audit event)."""
        if not self.is_valid():
            return {"status": OPEN}
        applied = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", False):
                continue
            key = getattr(self.fields[name], "to_field_name", None)
            applied[name] = str(getattr(value, key) if key else value)
        return applied

    def apply(self, cases: QuerySet[Case], user: Any) -> QuerySet[Case]:
        """``cases`` narrowed by the valid filters (invalid input falls back to open cases)."""
        if not self.is_valid():
            return cases.exclude(status=CaseStatus.CLOSED)
        data = self.cleaned_data
        status = data["status"] or OPEN
        if status == OPEN:
            cases = cases.exclude(status=CaseStatus.CLOSED)
        elif status != "ALL":
            cases = cases.filter(status=status)
        for name in ("case_type", "priority"):
            if data[name]:
                cases = cases.filter(**{name: data[name]})
        if data["agency"]:
            cases = cases.filter(owning_agency=data["agency"])
        if data["mine"]:
            cases = cases.filter(assignee=user)
        if data["overdue"]:
            cases = cases.filter(overdue_tasks())
        return cases
