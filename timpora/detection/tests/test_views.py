"""The detection pages: the inbox with its filters, order and bulk acknowledgement, one alert
with its evidence and the officer's steps, the rules with their outcomes and routes, the dated
parameters, the home panel; with alerts raised by the real OVERSTAY rule over real facts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from timpora.audit.models import AuditEvent
from timpora.detection import actions, views
from timpora.detection.choices import AlertStatus, DismissalReason, EventKind
from timpora.detection.models import Alert, AlertRoute, LegalParameter
from timpora.detection.rules import RULES
from timpora.registry.models import Kecamatan

pytestmark = pytest.mark.django_db

INBOX = "detection:inbox"


@contextmanager
def clock(monkeypatch: Any, moment: datetime) -> Iterator[None]:
    """Everything that asks ``timezone.now()`` in the block gets ``moment``."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        yield


def overstay(world: Any, name: str = "TAN WEI MING", **person: Any) -> Alert:
    """``name`` arrives on 1 March with a stay granted to 30 March; as of 4 April: overstay."""
    who = world.person(name, **person)
    world.arrive(who, "2026-03-01 10:00", until="2026-03-30", key=f"BC-{name[:3]}-0001")
    world.detect("2026-04-04", "OVERSTAY")
    return Alert.objects.get(person__full_name=name)


def detected_ago(
    world: Any, monkeypatch: Any, age: timedelta, name: str, *, now: datetime | None = None
) -> Alert:
    """The alert of ``name``, first detected ``age`` before ``now``."""
    with clock(monkeypatch, (now or timezone.now()) - age):
        return overstay(world, name)


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def listed(response: Any) -> list[str]:
    """The alert codes of the inbox's rows, in their order."""
    return re.findall(r'data-code="([0-9a-f-]{36})"', response.content.decode())


# --- The inbox -------------------------------------------------------------------------------


def test_it_lists_the_open_alerts_with_subject_and_explanation_and_audits_the_listing(world, cast):
    alert = overstay(world)

    response = cast.client_for(cast.alice).get(reverse(INBOX))

    assert response.status_code == 200
    body = response.content.decode()
    assert listed(response) == [str(alert.code)]
    assert "TAN WEI MING" in body and "SGP" in body
    assert alert.explanation_id in body and "30 Maret 2026" in body  # Bahasa Indonesia
    assert "<code>IMI-BTM</code>" in body
    assert reverse("detection:alert", args=[alert.code]) in body
    event = AuditEvent.objects.get(verb="detection.alerts_listed", actor=cast.alice)
    assert event.purpose == "SUPERVISION"
    assert event.changes["filters"] == {"status": "OPEN"}
    assert event.changes["alerts"] == [str(alert.code)]


def test_it_shows_the_explanation_in_english_when_the_user_chose_english(world, cast):
    alert = overstay(world)

    body = english(cast.client_for(cast.alice)).get(reverse(INBOX)).content.decode()

    assert alert.explanation_en in body and "30 March 2026" in body
    assert "30 Maret 2026" not in body


def test_it_audits_the_filters_of_the_listing(world, cast):
    overstay(world)

    cast.client_for(cast.alice).get(reverse(INBOX), {"rule": "OVERSTAY", "severity": "HIGH"})

    event = AuditEvent.objects.get(verb="detection.alerts_listed")
    assert event.changes["filters"] == {"rule": "OVERSTAY", "severity": "HIGH", "status": "OPEN"}


def test_it_filters_by_rule_and_severity(world, cast):
    alert = overstay(world)
    client = cast.client_for(cast.alice)

    assert listed(client.get(reverse(INBOX), {"rule": "OVERSTAY"})) == [str(alert.code)]
    assert listed(client.get(reverse(INBOX), {"rule": "VISA_RUN"})) == []
    assert listed(client.get(reverse(INBOX), {"severity": "HIGH"})) == [str(alert.code)]
    assert listed(client.get(reverse(INBOX), {"severity": "LOW"})) == []


def test_it_shows_open_alerts_by_default_and_others_by_status(world, cast):
    kept = overstay(world)
    gone = overstay(world, "LI QIANG", nationality="CHN")
    actions.dismiss(gone, actor=cast.alice, reason=DismissalReason.DATA_ERROR)
    actions.acknowledge(kept, actor=cast.alice)
    client = cast.client_for(cast.alice)

    assert listed(client.get(reverse(INBOX))) == [str(kept.code)]
    assert listed(client.get(reverse(INBOX), {"status": "DISMISSED"})) == [str(gone.code)]
    assert listed(client.get(reverse(INBOX), {"status": "ACKNOWLEDGED"})) == [str(kept.code)]
    assert set(listed(client.get(reverse(INBOX), {"status": "ALL"}))) == {
        str(kept.code),
        str(gone.code),
    }


def test_it_filters_by_nationality_and_kecamatan(world, cast):
    tan = overstay(world)
    li = world.person("LI QIANG", nationality="CHN")
    world.arrive(li, "2026-03-01 10:00", until="2026-03-30")
    world.stay(li, "2026-03-01 14:00")  # a hotel in Batu Ampar
    world.detect("2026-04-04", "OVERSTAY")
    li_alert = Alert.objects.get(person__full_name="LI QIANG")
    batu_ampar = Kecamatan.objects.get(name="Batu Ampar")
    assert li_alert.kecamatan == batu_ampar
    client = cast.client_for(cast.alice)

    assert listed(client.get(reverse(INBOX), {"nationality": "CHN"})) == [str(li_alert.code)]
    assert listed(client.get(reverse(INBOX), {"nationality": "SGP"})) == [str(tan.code)]
    assert listed(client.get(reverse(INBOX), {"kecamatan": batu_ampar.code})) == [
        str(li_alert.code)
    ]


def test_it_filters_by_the_agency_the_alert_is_routed_to(world, cast):
    alert = overstay(world)
    client = cast.client_for(cast.dina)  # a coordinator sees every alert

    assert listed(client.get(reverse(INBOX), {"agency": "IMI-BTM"})) == [str(alert.code)]
    assert listed(client.get(reverse(INBOX), {"agency": "DISNAKER-BTM"})) == []


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (timedelta(days=1) - timedelta(minutes=1), {"LT1"}),
        (timedelta(days=1), {"1TO7"}),
        (timedelta(days=7), {"1TO7"}),
        (timedelta(days=7, minutes=1), {"GT7"}),
        (timedelta(days=30), {"GT7"}),
        (timedelta(days=30, minutes=1), {"GT7", "GT30"}),
    ],
)
def test_the_age_filter_counts_from_the_first_detection(world, cast, monkeypatch, age, expected):
    now = timezone.now()
    alert = detected_ago(world, monkeypatch, age, "TAN WEI MING", now=now)
    client = cast.client_for(cast.alice)

    found = set()
    with clock(monkeypatch, now):
        for key in ("LT1", "1TO7", "GT7", "GT30"):
            if listed(client.get(reverse(INBOX), {"age": key})) == [str(alert.code)]:
                found.add(key)

    assert found == expected


def test_overdue_alerts_come_first_and_are_marked_in_words(world, cast, monkeypatch):
    # Tan's alert is two days old and nobody acknowledged it (high: within 24 hours).
    late = detected_ago(world, monkeypatch, timedelta(days=2), "TAN WEI MING")
    fresh = overstay(world, "LI QIANG", nationality="CHN")
    assert late.is_overdue and not fresh.is_overdue

    response = english(cast.client_for(cast.alice)).get(reverse(INBOX))

    assert listed(response) == [str(late.code), str(fresh.code)]
    rows = re.findall(
        r'<tr class="alert-row( overdue)?" data-code="([0-9a-f-]{36})"',
        str(response.content.decode()),
    )
    assert rows == [(" overdue", str(late.code)), ("", str(fresh.code))]
    assert response.content.decode().count('class="badge danger overdue-mark">Overdue<') == 1


def test_without_overdue_the_newest_alert_comes_first(world, cast, monkeypatch):
    older = detected_ago(world, monkeypatch, timedelta(hours=3), "TAN WEI MING")
    newer = overstay(world, "LI QIANG", nationality="CHN")

    response = cast.client_for(cast.alice).get(reverse(INBOX))

    assert listed(response) == [str(newer.code), str(older.code)]


def test_an_acknowledged_alert_is_no_longer_overdue(world, cast, monkeypatch):
    late = detected_ago(world, monkeypatch, timedelta(days=2), "TAN WEI MING")
    actions.acknowledge(late, actor=cast.alice)

    body = cast.client_for(cast.alice).get(reverse(INBOX)).content.decode()

    assert "overdue-mark" not in body


def test_the_inbox_is_paginated(world, cast, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    overstay(world)
    overstay(world, "LI QIANG", nationality="CHN")
    client = cast.client_for(cast.alice)

    first = client.get(reverse(INBOX), {"rule": "OVERSTAY"})
    second = client.get(reverse(INBOX), {"rule": "OVERSTAY", "page": 2})

    assert len(listed(first)) == 1 and len(listed(second)) == 1
    assert listed(first) != listed(second)
    assert "rule=OVERSTAY&amp;page=2" in first.content.decode()


def test_the_inbox_reads_a_fixed_number_of_queries_whatever_the_number_of_alerts(world, cast):
    overstay(world)
    client = cast.client_for(cast.alice)
    client.get(reverse(INBOX))  # session and access profile warm
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(INBOX))
    overstay(world, "LI QIANG", nationality="CHN")
    overstay(world, "KIM MIN JUN", nationality="KOR")
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse(INBOX))

    assert len(listed(response)) == 3
    assert len(three) == len(one)


def test_htmx_gets_only_the_results(world, cast):
    overstay(world)

    response = cast.client_for(cast.alice).get(
        reverse(INBOX), {"rule": "OVERSTAY"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "TAN WEI MING" in body and "<html" not in body


def test_bulk_acknowledge_acknowledges_the_checked_new_alerts(world, cast):
    tan = overstay(world)
    li = overstay(world, "LI QIANG", nationality="CHN")
    kim = overstay(world, "KIM MIN JUN", nationality="KOR")

    response = cast.client_for(cast.alice).post(
        reverse("detection:acknowledge_selected"),
        {"alerts": [str(tan.code), str(li.code)], "query": "rule=OVERSTAY"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(INBOX) + "?rule=OVERSTAY"
    statuses = dict(Alert.objects.values_list("code", "status"))
    assert statuses[tan.code] == statuses[li.code] == AlertStatus.ACKNOWLEDGED
    assert statuses[kim.code] == AlertStatus.NEW
    assert set(
        Alert.objects.filter(events__kind=EventKind.ACKNOWLEDGED, events__actor=cast.alice)
    ) == {tan, li}
    assert AuditEvent.objects.filter(verb="detection.alert_acknowledged").exists()


def test_bulk_acknowledge_without_a_checked_alert_says_so(world, cast):
    overstay(world)

    response = cast.client_for(cast.alice).post(
        reverse("detection:acknowledge_selected"), {"alerts": ["not-a-code"]}, follow=True
    )

    assert response.status_code == 200
    assert list(Alert.objects.values_list("status", flat=True)) == [AlertStatus.NEW]
    assert "message error" in response.content.decode()


def test_the_inbox_offers_no_bulk_acknowledge_to_an_auditor(world, cast):
    overstay(world)

    body = cast.client_for(cast.erin).get(reverse(INBOX)).content.decode()

    assert "TAN WEI MING" in body
    assert 'name="alerts"' not in body


# --- One alert -------------------------------------------------------------------------------


def test_the_alert_page_shows_rule_explanations_evidence_subject_risk_and_history(world, cast):
    alert = overstay(world)

    response = cast.client_for(cast.alice).get(reverse("detection:alert", args=[alert.code]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "UU 6/2011 Pasal 78; PP 28/2019" in body
    assert alert.explanation_id in body and alert.explanation_en in body
    assert '<details class="other-language">' in body
    assert "BC-TAN-0001" in body and "<code>IMI-BTM</code>" in body  # evidence key and source
    assert "TAN WEI MING" in body and alert.person.documents.get().number in body
    assert "60,0%" in body  # one open high alert: weight 0.6
    assert reverse("registry:person_detail", args=[alert.person.code]) in body
    assert body.count('name="step"') == 4  # acknowledge, escalate, dismiss, close
    event = AuditEvent.objects.get(verb="detection.alert_viewed")
    assert (event.actor, event.purpose, event.subject_code) == (
        cast.alice,
        "SUPERVISION",
        str(alert.code),
    )


def test_the_alert_page_gives_the_english_explanation_first_in_english(world, cast):
    alert = overstay(world)

    body = (
        english(cast.client_for(cast.alice))
        .get(reverse("detection:alert", args=[alert.code]))
        .content.decode()
    )

    assert body.index(alert.explanation_en) < body.index(alert.explanation_id)
    assert 'lang="id"' in body


def _step(client: Any, alert: Alert, step: str, **data: str) -> Any:
    fields = {"step": step, **{f"{step}-{k}": v for k, v in data.items()}}
    return client.post(reverse("detection:alert", args=[alert.code]), fields, follow=True)


def test_an_officer_acknowledges_the_alert_on_its_page(world, cast):
    alert = overstay(world)

    response = _step(cast.client_for(cast.alice), alert, "acknowledge", note="Checking")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert (alert.handled_by, alert.note) == (cast.alice, "Checking")
    assert response.status_code == 200
    assert "message success" in response.content.decode()
    assert 'value="acknowledge"' not in response.content.decode()  # no longer offered


def test_an_officer_escalates_the_alert(world, cast):
    alert = overstay(world)

    _step(cast.client_for(cast.alice), alert, "escalate", note="Sponsor to be called in")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED
    assert alert.events.filter(kind=EventKind.ESCALATED, actor=cast.alice).exists()


def test_an_officer_dismisses_the_alert_with_a_reason(world, cast):
    alert = overstay(world)

    _step(cast.client_for(cast.alice), alert, "dismiss", reason="DATA_ERROR", note="")

    alert.refresh_from_db()
    assert (alert.status, alert.dismissal_reason) == (
        AlertStatus.DISMISSED,
        DismissalReason.DATA_ERROR,
    )
    assert AuditEvent.objects.filter(verb="detection.alert_dismissed", actor=cast.alice).exists()


def test_dismissing_for_another_reason_needs_a_note(world, cast):
    alert = overstay(world)
    client = cast.client_for(cast.alice)

    response = _step(client, alert, "dismiss", reason="OTHER", note=" ")

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW

    _step(client, alert, "dismiss", reason="OTHER", note="Diplomat, exempt")
    alert.refresh_from_db()
    assert (alert.status, alert.note) == (AlertStatus.DISMISSED, "Diplomat, exempt")


def test_an_officer_closes_the_alert_with_a_note(world, cast):
    alert = overstay(world)

    _step(cast.client_for(cast.alice), alert, "resolve", note="Charge paid, left on 5 April")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert (alert.closed_at is not None, alert.note) == (True, "Charge paid, left on 5 April")
    page = english(cast.client_for(cast.alice)).get(reverse("detection:alert", args=[alert.code]))
    assert "This alert is closed." in page.content.decode()
    assert 'name="step"' not in page.content.decode()


def test_a_step_the_alert_no_longer_allows_is_a_message_not_an_error(world, cast):
    alert = overstay(world)
    client = cast.client_for(cast.alice)
    _step(client, alert, "acknowledge")

    response = _step(client, alert, "acknowledge")

    assert response.status_code == 200
    assert "message error" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_an_unknown_step_is_a_bad_request(world, cast):
    alert = overstay(world)

    response = cast.client_for(cast.alice).post(
        reverse("detection:alert", args=[alert.code]), {"step": "delete"}
    )

    assert response.status_code == 400
    assert Alert.objects.get().status == AlertStatus.NEW


def test_the_condition_ended_notice_shows_its_reason(world, cast):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-04", "OVERSTAY")
    alert = Alert.objects.get()
    actions.acknowledge(alert, actor=cast.alice)
    world.depart(tan, "2026-04-05 09:00")
    world.detect("2026-04-05", "OVERSTAY")
    alert.refresh_from_db()
    assert alert.condition_ended_at is not None

    body = (
        cast.client_for(cast.alice)
        .get(reverse("detection:alert", args=[alert.code]))
        .content.decode()
    )

    assert 'class="alert warning condition-ended"' in body
    assert alert.ended_reason in body


# --- Rules -----------------------------------------------------------------------------------


def test_the_rules_page_lists_every_rule_with_parameters_and_open_alerts(world, cast):
    overstay(world)

    response = cast.client_for(cast.alice).get(reverse("detection:rules"))

    assert response.status_code == 200
    body = response.content.decode()
    for code in RULES:
        assert f'data-rule="{code}"' in body
    row = body[body.index('data-rule="OVERSTAY"') : body.index('data-rule="PERMIT_EXPIRING"')]
    assert "Rp 1.000.000" in row
    assert f'href="{reverse(INBOX)}?rule=OVERSTAY">1<' in row
    assert "route-edit" not in body  # only coordinators change routes


def test_the_rules_page_shows_the_outcomes_in_practice(world, cast):
    first = overstay(world)
    second = overstay(world, "LI QIANG", nationality="CHN")
    actions.dismiss(first, actor=cast.alice, reason=DismissalReason.WRONG_PERSON)
    actions.escalate(second, actor=cast.alice)

    body = english(cast.client_for(cast.alice)).get(reverse("detection:rules")).content.decode()

    row = body[body.index('data-rule="OVERSTAY"') : body.index('data-rule="PERMIT_EXPIRING"')]
    assert "Records of different persons joined: 1" in row
    assert "50,0%" in row  # one dismissed of two decided


def test_a_coordinator_changes_the_routes_of_a_rule(world, cast):
    alert = overstay(world)
    client = cast.client_for(cast.dina)
    assert "route-edit" in client.get(reverse("detection:rules")).content.decode()

    response = client.post(
        reverse("detection:rules"),
        {"rule": "OVERSTAY", "agency_kinds": ["IMMIGRATION", "MANPOWER"]},
    )

    assert response.status_code == 302
    kinds = set(AlertRoute.objects.filter(rule="OVERSTAY").values_list("agency_kind", flat=True))
    assert kinds == {"IMMIGRATION", "MANPOWER"}
    assert cast.disnaker in alert.agencies.all()
    event = AuditEvent.objects.get(verb="detection.routes_changed")
    assert (event.actor, event.subject_code) == (cast.dina, "OVERSTAY")


def test_only_a_coordinator_changes_routes(world, cast):
    for user in (cast.alice, cast.bob, cast.erin):
        response = cast.client_for(user).post(
            reverse("detection:rules"), {"rule": "OVERSTAY", "agency_kinds": ["MANPOWER"]}
        )
        assert response.status_code == 403
    assert list(
        AlertRoute.objects.filter(rule="OVERSTAY").values_list("agency_kind", flat=True)
    ) == ["IMMIGRATION"]
    assert not AuditEvent.objects.filter(verb="detection.routes_changed").exists()


# --- Parameters ------------------------------------------------------------------------------


def test_the_parameters_page_shows_values_and_history_read_only_for_officers(cast):
    response = cast.client_for(cast.alice).get(reverse("detection:parameters"))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="parameter-OVERSTAY_CHARGE_PER_DAY"' in body
    assert "Rp 1.000.000" in body and "PP 28/2019" in body
    assert 'name="legal_basis"' not in body


def test_a_coordinator_sets_a_new_value_from_a_date_on(cast):
    client = cast.client_for(cast.dina)
    assert 'name="legal_basis"' in client.get(reverse("detection:parameters")).content.decode()

    response = client.post(
        reverse("detection:parameters"),
        {
            "code": "OVERSTAY_CHARGE_PER_DAY",
            "value": "1.500.000",
            "valid_from": "01-07-2026",
            "legal_basis": "PP 45/2026",
            "note": "New tariff",
        },
    )

    assert response.status_code == 302
    rows = list(LegalParameter.objects.filter(code="OVERSTAY_CHARGE_PER_DAY"))
    assert [(r.value, r.valid_from, r.valid_to) for r in rows] == [
        (Decimal("1000000"), date(2000, 1, 1), date(2026, 6, 30)),
        (Decimal("1500000"), date(2026, 7, 1), None),
    ]
    assert (rows[1].legal_basis, rows[1].changed_by) == ("PP 45/2026", cast.dina)
    event = AuditEvent.objects.get(verb="detection.parameter_changed")
    assert (event.actor, event.subject_code) == (cast.dina, "OVERSTAY_CHARGE_PER_DAY")
    body = client.get(reverse("detection:parameters")).content.decode()
    assert "Rp 1.500.000" in body and "PP 45/2026" in body


def test_a_new_value_needs_its_legal_basis(cast):
    response = cast.client_for(cast.dina).post(
        reverse("detection:parameters"),
        {"code": "SKTT_DAYS", "value": "21", "valid_from": "01-07-2026", "legal_basis": " "},
    )

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert '<details class="parameter-edit" open>' in response.content.decode()
    assert LegalParameter.objects.filter(code="SKTT_DAYS").count() == 1


def test_only_a_coordinator_sets_a_parameter(cast):
    for user in (cast.alice, cast.bob, cast.erin):
        response = cast.client_for(user).post(
            reverse("detection:parameters"),
            {
                "code": "SKTT_DAYS",
                "value": "21",
                "valid_from": "01-07-2026",
                "legal_basis": "Perpres 1/2026",
            },
        )
        assert response.status_code == 403
    assert LegalParameter.objects.filter(code="SKTT_DAYS").count() == 1
    assert not AuditEvent.objects.filter(verb="detection.parameter_changed").exists()


# --- Home and navigation ---------------------------------------------------------------------


def test_the_home_page_counts_open_and_overdue_alerts(world, cast, monkeypatch):
    detected_ago(world, monkeypatch, timedelta(days=2), "TAN WEI MING")
    overstay(world, "LI QIANG", nationality="CHN")

    body = english(cast.client_for(cast.alice)).get(reverse("core:home")).content.decode()

    assert re.search(r"<dt>Open alerts</dt>\s*<dd>2</dd>", body)
    assert re.search(r"<dt>Overdue alerts</dt>\s*<dd>1</dd>", body)
    assert f'href="{reverse(INBOX)}"' in body  # the navigation link


def test_an_agency_without_alerts_gets_no_panel_and_no_link(world, cast):
    overstay(world)

    body = english(cast.client_for(cast.gita)).get(reverse("core:home")).content.decode()

    assert "Open alerts" not in body
    assert reverse(INBOX) not in body
