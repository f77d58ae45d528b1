"""A person's page shows their open alerts and risk to the agencies the alerts are routed to."""

from __future__ import annotations

from django.urls import reverse

from timpora.registry.models import Person


def _page(client, person: Person) -> str:
    url = reverse("registry:person_detail", args=[person.code])
    response = client.get(url, {"purpose": "SUPERVISION"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_page_lists_open_alerts_with_the_risk(world, cast):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.detect("2026-04-04", "OVERSTAY")
    person = Person.objects.get()

    page = _page(cast.client_for(cast.alice), person)

    assert 'id="person-alerts-heading"' in page
    assert "60,0%" in page  # one high alert weighs 0.6
    alert = person.alerts.get()
    assert reverse("detection:alert", args=[alert.code]) in page


def test_an_agency_the_alert_is_not_routed_to_sees_no_panel(world, cast):
    tan = world.person()
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30")
    world.permit(
        tan,
        permit_type="VOA",
        visa_index="",
        valid_from="2026-03-01",
        valid_until="2026-03-30",
        sponsor_id=None,
    )
    world.work_permit(tan, valid_from="2026-01-01", valid_until="2026-12-31")
    world.detect("2026-04-04", "OVERSTAY")
    person = Person.objects.get()

    page = _page(cast.client_for(cast.charlie), person)  # Manpower: OVERSTAY goes to Immigration

    assert 'id="person-alerts-heading"' not in page
