"""The audit log for auditors: filter, page through, export."""

from __future__ import annotations

import csv
import json
from datetime import datetime, time
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timpora.audit.choices import Verb
from timpora.audit.log import record
from timpora.audit.models import AuditEvent
from timpora.lib.text import neutralise_formula

EXPORT_LIMIT = 100_000


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("Actor (user name)"), required=False, max_length=150)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"),
        queryset=apps.get_model("accounts", "Agency").objects.all(),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("Any"),
    )
    verb = forms.ChoiceField(
        label=gettext_lazy("Event"),
        choices=[("", gettext_lazy("Any")), *Verb.choices],
        required=False,
    )
    subject = forms.CharField(label=gettext_lazy("Subject code"), required=False, max_length=128)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data.get("actor"):
            events = events.filter(actor_label=data["actor"])
        if data.get("agency"):
            events = events.filter(agency=data["agency"])
        if data.get("verb"):
            events = events.filter(verb=data["verb"])
        if data.get("subject"):
            events = events.filter(subject_code=data["subject"])
        if data.get("since"):
            events = events.filter(
                occurred_at__gte=timezone.make_aware(datetime.combine(data["since"], time.min))
            )
        if data.get("until"):
            events = events.filter(
                occurred_at__lte=timezone.make_aware(datetime.combine(data["until"], time.max))
            )
        return events


def _filtered(form: AuditFilterForm, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """The events that fit the filters; none at all while a filter is malformed, so that a typo
    in one filter never widens the result to the whole log."""
    if not form.is_bound:
        return events
    return form.filter(events) if form.is_valid() else events.none()


def _auditor(request: HttpRequest) -> Any:
    user: Any = request.user
    if not getattr(user, "is_auditor", False):
        raise PermissionDenied(_("Only auditors read the audit log."))
    return user


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    _auditor(request)
    form = AuditFilterForm(request.GET or None)
    events = _filtered(form, AuditEvent.objects.select_related("agency").order_by("-seq"))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def event_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered log as CSV (at most 100,000 events), itself recorded in the log."""
    auditor = _auditor(request)
    form = AuditFilterForm(request.GET or None)
    events = _filtered(form, AuditEvent.objects.select_related("agency").order_by("seq"))
    record(
        actor=auditor,
        verb=Verb.AUDIT_EXPORTED,
        subject_type="audit.auditevent",
        changes={"filters": {k: str(v) for k, v in request.GET.items()}},
    )
    writer = csv.writer(_Echo())
    header = [
        "seq",
        "time",
        "actor",
        "agency",
        "event",
        "subject_type",
        "subject",
        "purpose",
        "client_address",
        "changes",
        "hash",
    ]

    def rows() -> Any:
        yield writer.writerow(header)
        for e in events[:EXPORT_LIMIT].iterator(chunk_size=2000):
            values = [
                e.seq,
                e.occurred_at.isoformat(),
                e.actor_label,
                e.agency.code if e.agency else "",
                e.verb,
                e.subject_type,
                e.subject_code,
                e.purpose,
                e.client_address or "",
                json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                e.hash,
            ]
            yield writer.writerow([neutralise_formula(str(v)) for v in values])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="timpora-audit-{stamp}.csv"'
    return response
