"""The alert inbox's filters: one form that reads the query string, applies itself to a
queryset and says what it applied (for the audit event of the listing).

Without a status the inbox shows the open alerts (new, acknowledged, escalated); the age is how
long ago the rule first fired for the alert, whatever happened since.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from timpora.accounts.models import Agency
from timpora.detection.choices import OPEN_STATUSES, AlertStatus, Severity
from timpora.detection.models import Alert
from timpora.detection.rules import RULES
from timpora.registry.models import Country, Kecamatan

ANY = ("", _("Any"))
OPEN = "OPEN"
STATUS_CHOICES = [
    (OPEN, _("Open (new, acknowledged or escalated)")),
    ("ALL", _("Any status")),
    *AlertStatus.choices,
]
DAY = timedelta(days=1)
# Age of an alert (how long since it was first detected): a label and the age's lookups.
AGES: dict[str, tuple[Any, dict[str, timedelta]]] = {
    "LT1": (_("Less than 1 day"), {"lt": DAY}),
    "1TO7": (_("1 to 7 days"), {"gte": DAY, "lte": 7 * DAY}),
    "GT7": (_("More than 7 days"), {"gt": 7 * DAY}),
    "GT30": (_("More than 30 days"), {"gt": 30 * DAY}),
}
# An age below a bound is a first detection after the moment that far back, and so on.
_DETECTED_LOOKUP = {"lt": "gt", "lte": "gte", "gt": "lt", "gte": "lte"}


class AlertFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[ANY, *Severity.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    agency = forms.ModelChoiceField(
        label=_("Routed to"),
        queryset=Agency.objects.order_by("code"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    nationality = forms.ModelChoiceField(
        label=_("Nationality"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="alpha3",
        empty_label=_("Any"),
    )
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[ANY, *((key, label) for key, (label, _bounds) in AGES.items())],
        help_text=_("Counted from when the rule first raised the alert."),
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data, **kwargs)
        rule: Any = self.fields["rule"]
        rule.choices = [ANY, *((code, r.title) for code, r in RULES.items())]
        nationality: Any = self.fields["nationality"]
        nationality.label_from_instance = lambda c: f"{c.alpha3} · {c.name}"

    def applied(self) -> dict[str, str]:
        """The filters in force, as the query string names them (for the audit event)."""
        if not self.is_valid():
            return {"status": OPEN}
        applied = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            field: Any = self.fields[name]
            key = getattr(field, "to_field_name", None)
            applied[name] = str(getattr(value, key) if key else value)
        return applied

    def apply(self, alerts: QuerySet[Alert], now: datetime) -> QuerySet[Alert]:
        """``alerts`` narrowed by the valid filters (invalid input falls back to open alerts)."""
        if not self.is_valid():
            return alerts.filter(status__in=OPEN_STATUSES)
        data = self.cleaned_data
        status = data["status"] or OPEN
        if status == OPEN:
            alerts = alerts.filter(status__in=OPEN_STATUSES)
        elif status != "ALL":
            alerts = alerts.filter(status=status)
        for name in ("rule", "severity", "kecamatan", "nationality"):
            if data[name]:
                alerts = alerts.filter(**{name: data[name]})
        if data["agency"]:
            alerts = alerts.filter(agencies=data["agency"])
        if data["age"]:
            _label, bounds = AGES[data["age"]]
            alerts = alerts.filter(
                **{
                    f"first_detected_at__{_DETECTED_LOOKUP[lookup]}": now - age
                    for lookup, age in bounds.items()
                }
            )
        return alerts
