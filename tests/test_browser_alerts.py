"""An immigration officer opens the alert inbox, filters it by rule, reads an overstay alert's
explanation and evidence, acknowledges it, and dismisses another alert with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from timpora.detection.models import Alert
from timpora.detection.tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _two_overstays(facts: Any, cast: Any) -> tuple[Alert, Alert]:
    """TAN WEI MING and LI QIANG arrived on 1 March with a stay granted to 30 March."""
    world = World(facts, cast)
    tan = world.person("TAN WEI MING")
    li = world.person("LI QIANG", nationality="CHN", date_of_birth="1975-08-19")
    world.arrive(tan, "2026-03-01 10:00", until="2026-03-30", key="BC-2026-03-01-000118")
    world.arrive(li, "2026-03-01 11:00", until="2026-03-30", key="BC-2026-03-01-000131")
    world.detect("2026-04-04", "OVERSTAY")
    return (
        Alert.objects.get(person__full_name="TAN WEI MING"),
        Alert.objects.get(person__full_name="LI QIANG"),
    )


def test_it_filters_reads_acknowledges_and_dismisses_alerts(
    live_server: Any, cast: Any, facts: Any, browser: Any, artifacts: Any
) -> None:
    tan, li = _two_overstays(facts, cast)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill("alice")
    page.get_by_label("Kata sandi").fill(cast.passwords["alice"])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")

    page.locator("nav a[href='/detection/alerts/']").click()
    page.wait_for_url(f"{live_server.url}/detection/alerts/")
    assert page.locator("table.alerts tr.alert-row").count() == 2

    page.locator("select[name=rule]").select_option("OVERSTAY")
    page.locator("form.alert-filters button[type=submit]").click()
    page.wait_for_url("**/detection/alerts/?*rule=OVERSTAY*")  # htmx pushed the filters
    assert page.locator("table.alerts tr.alert-row").count() == 2
    page.screenshot(path=str(artifacts / "alert-inbox.png"), full_page=True)

    page.locator(f"tr[data-code='{tan.code}'] a[href='/detection/alerts/{tan.code}/']").click()
    page.wait_for_url(f"{live_server.url}/detection/alerts/{tan.code}/")
    assert "Rp 5.000.000" in page.locator(".explanation-text").inner_text()
    evidence = page.locator("section.evidence ol.timeline")
    assert "BC-2026-03-01-000118" in evidence.inner_text()
    assert "IMI-BTM" in evidence.inner_text()
    assert "TAN WEI MING" in page.locator("section.subject").inner_text()
    page.screenshot(path=str(artifacts / "alert-detail.png"), full_page=True)

    status_before = page.locator("#alert-status").inner_text()
    page.locator("form.step-acknowledge button[type=submit]").click()
    page.locator(".message.success").wait_for()
    assert page.locator("#alert-status").inner_text() != status_before
    assert page.locator("form.step-acknowledge").count() == 0

    page.goto(f"{live_server.url}/detection/alerts/?rule=OVERSTAY")
    page.locator(f"tr[data-code='{li.code}'] a[href='/detection/alerts/{li.code}/']").click()
    page.wait_for_url(f"{live_server.url}/detection/alerts/{li.code}/")
    page.locator("select[name=dismiss-reason]").select_option("DATA_ERROR")
    page.locator("textarea[name=dismiss-note]").fill("Departure recorded at another port")
    page.locator("form.step-dismiss button[type=submit]").click()
    page.locator(".message.success").wait_for()
    assert page.locator("form.step-dismiss").count() == 0
    page.screenshot(path=str(artifacts / "alert-dismissed.png"), full_page=True)
    page.close()

    tan.refresh_from_db()
    li.refresh_from_db()
    assert (tan.status, tan.handled_by) == ("ACKNOWLEDGED", cast.alice)
    assert (li.status, li.dismissal_reason, li.note) == (
        "DISMISSED",
        "DATA_ERROR",
        "Departure recorded at another port",
    )
    assert not [text for text in console if "Content Security Policy" in text]
