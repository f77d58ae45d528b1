"""Who sees which alerts: an officer the alerts routed to their agency, coordinators and
auditors every alert, an agency without alerts in its access profile nothing at all (404)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from timpora.audit.models import AuditEvent
from timpora.detection import actions
from timpora.detection.choices import AlertStatus
from timpora.detection.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(world: Any) -> Alert:
    """An OVERSTAY alert: the rule routes to Immigration only."""
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.stay(tan, "2026-03-01 14:00")
    world.detect("2026-04-04", "OVERSTAY")
    return Alert.objects.get()


def _page(alert: Alert) -> str:
    return reverse("detection:alert", args=[alert.code])


def _listed(response: Any) -> list[str]:
    return re.findall(r'data-code="([0-9a-f-]{36})"', response.content.decode())


def test_a_manpower_officer_does_not_see_an_immigration_alert(alert, cast):
    client = cast.client_for(cast.charlie)

    assert _listed(client.get(reverse("detection:inbox"), {"status": "ALL"})) == []
    assert _listed(client.get(reverse("detection:inbox"), {"agency": "IMI-BTM"})) == []
    assert client.get(_page(alert)).status_code == 404
    assert client.post(_page(alert), {"step": "acknowledge"}).status_code == 404
    assert not AuditEvent.objects.filter(verb="detection.alert_viewed").exists()


def test_a_manpower_officer_cannot_acknowledge_an_immigration_alert_in_bulk(alert, cast):
    cast.client_for(cast.charlie).post(
        reverse("detection:acknowledge_selected"), {"alerts": [str(alert.code)]}
    )

    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW


def test_a_manpower_officer_sees_the_alert_once_it_is_routed_to_manpower(alert, cast):
    actions.set_routes("OVERSTAY", ["IMMIGRATION", "MANPOWER"], actor=cast.dina)
    client = cast.client_for(cast.charlie)

    assert _listed(client.get(reverse("detection:inbox"))) == [str(alert.code)]
    response = client.get(_page(alert))
    assert response.status_code == 200
    body = response.content.decode()
    assert alert.person.documents.get().number in body  # Manpower sees travel documents
    assert "Jl. Duyung" not in body  # but not where the person stays
    client.post(_page(alert), {"step": "acknowledge"})
    alert.refresh_from_db()
    assert (alert.status, alert.handled_by) == (AlertStatus.ACKNOWLEDGED, cast.charlie)


def test_an_immigration_officer_sees_the_address(alert, cast):
    body = cast.client_for(cast.alice).get(_page(alert)).content.decode()

    assert "Jl. Duyung" in body and "Batu Ampar" in body


def test_the_rules_page_counts_only_the_open_alerts_the_user_may_see(alert, cast):
    def open_cell(user: Any) -> str:
        body = cast.client_for(user).get(reverse("detection:rules")).content.decode()
        row = body[body.index('data-rule="OVERSTAY"') :]
        return re.search(r'<td class="open-count">(.*?)</td>', row)[1]  # type: ignore[index]

    assert open_cell(cast.charlie) == "0"
    assert ">1</a>" in open_cell(cast.alice)


@pytest.mark.parametrize(
    "url",
    [
        lambda a: reverse("detection:inbox"),
        lambda a: _page(a),
        lambda a: reverse("detection:rules"),
        lambda a: reverse("detection:parameters"),
    ],
)
def test_local_government_without_alerts_in_its_profile_gets_404(alert, cast, url):
    client = cast.client_for(cast.gita)

    assert client.get(url(alert)).status_code == 404
    assert client.post(url(alert), {"step": "acknowledge"}).status_code == 404
    assert not AuditEvent.objects.filter(actor=cast.gita, verb__startswith="detection.").exists()


def test_local_government_cannot_acknowledge_in_bulk(alert, cast):
    response = cast.client_for(cast.gita).post(
        reverse("detection:acknowledge_selected"), {"alerts": [str(alert.code)]}
    )

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW


def test_an_auditor_sees_every_alert_but_has_no_steps(alert, cast):
    actions.set_routes("OVERSTAY", ["MANPOWER"], actor=cast.dina)  # not Immigration's any more
    client = cast.client_for(cast.erin)

    assert _listed(client.get(reverse("detection:inbox"))) == [str(alert.code)]
    body = client.get(_page(alert)).content.decode()
    assert 'name="step"' not in body
    response = client.post(_page(alert), {"step": "acknowledge"}, follow=True)
    assert "message error" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW


def test_an_auditor_cannot_acknowledge_in_bulk(alert, cast):
    response = cast.client_for(cast.erin).post(
        reverse("detection:acknowledge_selected"), {"alerts": [str(alert.code)]}, follow=True
    )

    assert "message error" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW


def test_a_coordinator_sees_alerts_routed_elsewhere(alert, cast):
    actions.set_routes("OVERSTAY", ["MANPOWER"], actor=cast.dina)

    assert _listed(cast.client_for(cast.dina).get(reverse("detection:inbox"))) == [str(alert.code)]
    assert _listed(cast.client_for(cast.alice).get(reverse("detection:inbox"))) == []
    assert cast.client_for(cast.alice).get(_page(alert)).status_code == 404


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(alert, client):
    response = client.get(reverse("detection:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_malformed_code_is_404(cast):
    response = cast.client_for(cast.alice).get("/detection/alerts/not-a-code/")

    assert response.status_code == 404
