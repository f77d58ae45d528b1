"""The CSV export of the audit log: for auditors, itself audited, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from timpora.audit.models import AuditEvent

INJECTION = "=cmd|' /C calc'!A0"


def _export(client, **filters):
    response = client.get(reverse("audit:event_export"), filters)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_the_log_as_csv(cast):
    rows = _export(cast.client_for(cast.erin))
    assert [int(row["seq"]) for row in rows] == list(
        AuditEvent.objects.order_by("seq").values_list("seq", flat=True)
    )


def test_it_records_the_export_itself(cast):
    _export(cast.client_for(cast.erin), verb="user.created")
    event = AuditEvent.objects.get(verb="audit.exported")
    assert event.actor == cast.erin
    assert event.changes == {"filters": {"verb": "user.created"}}


def test_it_exports_only_the_filtered_events(cast):
    rows = _export(cast.client_for(cast.erin), verb="user.created")
    assert len(rows) == AuditEvent.objects.filter(verb="user.created").count()
    assert {row["event"] for row in rows} == {"user.created"}


def test_it_answers_403_to_anyone_but_an_auditor_and_records_nothing(cast):
    response = cast.client_for(cast.alice).get(reverse("audit:event_export"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="audit.exported").exists()


def test_it_neutralises_a_formula_typed_as_a_user_name_at_the_log_in(cast):
    Client().post(reverse("accounts:login"), {"username": INJECTION, "password": "x"})
    rows = _export(cast.client_for(cast.erin), verb="user.login_failed")
    assert [row["subject"] for row in rows] == ["'" + INJECTION]
